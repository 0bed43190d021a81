using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

/// <summary>Prompt caching needs every turn's body to extend the previous turn's bytes up to the end of <c>input</c>.</summary>
public sealed class PromptCachePrefixTests
{
    private const string System = """
        "system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.197.123; cc_entrypoint=sdk-cli;"},
                  {"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}]
        """;

    private const string Tools = """
        "tools":[{"name":"Bash","description":"Runs a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}},
                 {"name":"Read","description":"Reads a file","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}]
        """;

    private static readonly string[] Turns =
    [
        """{"role":"user","content":[{"type":"text","text":"<system-reminder>ctx</system-reminder>"},{"type":"text","text":"Fix the failing test","cache_control":{"type":"ephemeral"}}]}""",
        """{"role":"assistant","content":[{"type":"thinking","thinking":"Look first.","signature":"cxp1.rs_1.gAAA1"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"dotnet test"}}]}""",
        """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"Failed: 1","cache_control":{"type":"ephemeral"}}]}""",
        """{"role":"assistant","content":[{"type":"thinking","thinking":"","signature":"cxp1.rs_2.gAAA2"},{"type":"tool_use","id":"toolu_2","name":"Read","input":{"path":"a.cs"}}]}""",
        """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"class A {}"}]}]}""",
        """{"role":"assistant","content":[{"type":"text","text":"Fixed."}]}""",
        """{"role":"user","content":"Thanks, now commit."}""",
    ];

    [Fact]
    public void EachTurn_ExtendsThePreviousTurnsBytes_UpToTheInputEnd()
    {
        string? previous = null;
        string? previousKey = null;
        // Requests end on a user turn: 1, 3, 5 and 7 messages.
        for (var count = 1; count <= Turns.Length; count += 2)
        {
            var body = Map(Request(count), sessionId: "session-1").Body;
            var prefix = PrefixThroughInput(body);
            if (previous is not null)
            {
                Assert.StartsWith(previous, prefix, StringComparison.Ordinal);
                Assert.True(prefix.Length > previous.Length);
                Assert.Equal(previousKey, body.PromptCacheKey);
            }

            previous = prefix;
            previousKey = body.PromptCacheKey;
        }
    }

    [Fact]
    public void NothingVolatile_SitsBeforeTheConversation()
    {
        var first = ToJson(Map(Request(3), sessionId: "session-1").Body);
        var again = ToJson(Map(Request(3), sessionId: "session-1").Body);

        Assert.Equal(first, again);
        Assert.DoesNotContain("billing-header", first, StringComparison.Ordinal);
        Assert.StartsWith("""{"model":"gpt-6-astra","stream":true,"input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"You are Claude Code."}]},""", first, StringComparison.Ordinal);
    }

    private static string Request(int messageCount) =>
        $$"""{"model":"claude-opus-4-8","max_tokens":64000,"stream":true,{{System}},{{Tools}},"messages":[{{string.Join(",", Turns[..messageCount])}}]}""";

    /// <summary>The serialised body cut just after the last input item (before the closing bracket).</summary>
    private static string PrefixThroughInput(CodexRequest body)
    {
        var json = ToJson(body);
        using var document = JsonDocument.Parse(json);
        var items = document.RootElement.GetProperty("input").EnumerateArray().Select(i => i.GetRawText());
        var start = json.IndexOf("\"input\":[", StringComparison.Ordinal) + "\"input\":[".Length;
        var prefix = json[..start] + string.Join(",", items);
        Assert.StartsWith(prefix, json, StringComparison.Ordinal);
        return prefix;
    }
}
