using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

public sealed class RequestMapperJsonTests
{
    /// <summary>A second Claude Code turn: billing header, system-role entry, thinking, a tool call and its result,
    /// plus fields Codex rejects (temperature, top_p, max_tokens, stop_sequences, context_management).</summary>
    private const string ClaudeCodeTurn = """
        {"model":"claude-opus-4-8[1m]",
         "messages":[
          {"role":"user","content":[
            {"type":"text","text":"<system-reminder>Today is 2026-12-01.</system-reminder>"},
            {"type":"text","text":"Run the tests","cache_control":{"type":"ephemeral"}}]},
          {"role":"system","content":"Available agents: Explore"},
          {"role":"assistant","content":[
            {"type":"thinking","thinking":"Run dotnet test.","signature":"cxp1.rs_abc.gAAAAB"},
            {"type":"text","text":"Running the tests."},
            {"type":"tool_use","id":"toolu_01","name":"Bash","input":{"command":"dotnet test","description":"Run tests"}}]},
          {"role":"user","content":[
            {"type":"tool_result","tool_use_id":"toolu_01","content":"Passed: 3","is_error":false,"cache_control":{"type":"ephemeral"}}]}],
         "system":[
          {"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.197.123; cc_entrypoint=sdk-cli;"},
          {"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},
          {"type":"text","text":"Be concise.","cache_control":{"type":"ephemeral"}}],
         "tools":[{"name":"Bash","description":"Runs a command","input_schema":{
           "$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
           "properties":{"command":{"type":"string"},"description":{"description":"What it does","type":"string"}},
           "required":["command"],"additionalProperties":false}}],
         "metadata":{"user_id":"{\"device_id\":\"d\",\"account_uuid\":\"\",\"session_id\":\"meta-session\"}"},
         "max_tokens":64000,"temperature":0.2,"top_p":0.9,"top_k":5,"stop_sequences":["END"],
         "thinking":{"type":"adaptive"},
         "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
         "output_config":{"effort":"high"},
         "stream":true}
        """;

    [Fact]
    public void ClaudeCodeTurn_SerialisesToExactCodexBody()
    {
        var mapped = Map(ClaudeCodeTurn, sessionId: "8f2d5c1a-session", models: new ModelMappingOptions());

        // One line per input item; line breaks are layout only. The cache key is the session plus the thread hash
        // (SHA-256 of the instructions, a NUL and the first user message's content JSON, first 16 hex digits).
        var expected = """
            {"model":"gpt-6-astra","stream":true,"input":[
            {"type":"message","role":"developer","content":[{"type":"input_text","text":"You are Claude Code.\n\nBe concise."}]},
            {"type":"message","role":"user","content":[{"type":"input_text","text":"<system-reminder>Today is 2026-12-01.</system-reminder>"},{"type":"input_text","text":"Run the tests"}]},
            {"type":"message","role":"developer","content":[{"type":"input_text","text":"Available agents: Explore"}]},
            {"type":"reasoning","summary":[{"type":"summary_text","text":"Run dotnet test."}],"content":null,"encrypted_content":"gAAAAB"},
            {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Running the tests."}]},
            {"type":"function_call","status":"completed","name":"Bash","arguments":"{\"command\":\"dotnet test\",\"description\":\"Run tests\"}","call_id":"toolu_01"},
            {"type":"function_call_output","call_id":"toolu_01","output":"Passed: 3"}],
            "tools":[{"type":"function","name":"Bash","description":"Runs a command","strict":false,"parameters":{"type":"object","properties":{"command":{"type":"string"},"description":{"description":"What it does","type":"string"}},"required":["command"],"additionalProperties":false}}],
            "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"high","summary":"auto"},
            "store":false,"include":["reasoning.encrypted_content"],"prompt_cache_key":"8f2d5c1a-session-adf73e04b35efaab"}
            """.ReplaceLineEndings(string.Empty);
        Assert.Equal(expected, ToJson(mapped.Body));
        Assert.Equal("claude-opus-4-8[1m]", mapped.RequestedModel);
    }

    [Fact]
    public void ClientText_IsSentSpelledAsTheClientSpelledIt_AndJoinedAsBytes()
    {
        // Escapes System.Text.Json would write differently: lowercase \u00e9, \u001b, an escaped emoji, \/.
        const string json = """
            {"model":"claude-opus-4-8","system":"Be brief.","messages":[
             {"role":"user","content":"caf\u00e9 <b>&amp;</b> \ud83d\ude00 a\/b"},
             {"role":"assistant","content":[{"type":"text","text":"I'll run it \u2192 now"},
              {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,
              "content":[{"type":"text","text":"\u001b[31mred\u001b[0m"},{"type":"text","text":"line 2\ttab"}]}]}]}
            """;

        var mapped = Map(json, sessionId: "s").Body;
        var body = ToJson(mapped);

        // Kept as bytes through the mapping: nothing decoded them to strings.
        Assert.True(((CodexInputText)((CodexMessageItem)Conversation(mapped)[0]).Content[0]).Text.IsRaw);
        Assert.True(Conversation(mapped).OfType<CodexFunctionCallOutputItem>().Single().Output.Text!.IsRaw);
        Assert.Contains("""{"type":"input_text","text":"caf\u00e9 <b>&amp;</b> \ud83d\ude00 a\/b"}""", body, StringComparison.Ordinal);
        Assert.Contains("""{"type":"output_text","text":"I'll run it \u2192 now"}""", body, StringComparison.Ordinal);
        Assert.Contains("""{"type":"function_call_output","call_id":"toolu_1","output":"[tool error] \u001b[31mred\u001b[0m\nline 2\ttab"}""", body, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageAndPdfBase64_GoIntoTheDataUrlAsTheClientSpelledThem()
    {
        // Some encoders escape '/' as \/; the bytes are passed on, the value is the same base64.
        const string json = """
            {"model":"claude-opus-4-8","messages":[{"role":"user","content":[
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR\/w0KGgo="}},
             {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x\/Lg=="}}]}]}
            """;

        var mapped = Map(json, sessionId: "s").Body;
        var parts = ((CodexMessageItem)Conversation(mapped)[0]).Content;

        Assert.Contains("""{"type":"input_image","image_url":"data:image/png;base64,iVBOR\/w0KGgo="}""", ToJson(mapped), StringComparison.Ordinal);
        Assert.Contains("""{"type":"input_file","filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0x\/Lg=="}""", ToJson(mapped), StringComparison.Ordinal);
        Assert.Equal("data:image/png;base64,iVBOR/w0KGgo=", ((CodexInputImage)parts[0]).ImageUrl.Decode());
    }

    [Fact]
    public void SameTextSpelledDifferently_GivesTheSamePromptCacheKey()
    {
        const string escaped = """{"model":"claude-opus-4-8","system":"S","messages":[{"role":"user","content":"caf\u00e9 \ud83d\ude00\u001b"}]}""";
        const string plain = """{"model":"claude-opus-4-8","system":"S","messages":[{"role":"user","content":"café 😀\u001B"}]}""";

        var first = Map(escaped, sessionId: "s").Body;
        var second = Map(plain, sessionId: "s").Body;

        Assert.NotEqual(ToJson(first), ToJson(second));
        Assert.Equal(first.PromptCacheKey, second.PromptCacheKey);
        Assert.Equal(Conversation(first)[0], Conversation(second)[0], (a, b) => ((CodexMessageItem)a).Content.SequenceEqual(((CodexMessageItem)b).Content));
    }

    [Fact]
    public void SameConversation_SerialisesToIdenticalBytes()
    {
        var first = ToJson(Map(ClaudeCodeTurn, sessionId: "s").Body);
        var second = ToJson(Map(ClaudeCodeTurn, sessionId: "s").Body);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("temperature")]
    [InlineData("top_p")]
    [InlineData("top_k")]
    [InlineData("max_tokens")]
    [InlineData("max_output_tokens")]
    [InlineData("stop_sequences")]
    [InlineData("metadata")]
    [InlineData("context_management")]
    [InlineData("thinking")]
    [InlineData("cache_control")]
    public void UnsupportedFields_AreNeverForwarded(string field)
    {
        var json = ToJson(Map(ClaudeCodeTurn).Body);

        Assert.DoesNotContain($"\"{field}\"", json, StringComparison.Ordinal);
    }
}
