using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

/// <summary>Claude Code 2.1.328's <c>role: "system"</c> entries: array content with <c>cache_control</c>,
/// <c>output_config</c> beside it, new ones mid-conversation, and <c>content: []</c> under <c>--bare</c>.</summary>
public sealed class SystemMessagesTests
{
    [Fact]
    public void ArrayContentWithCacheControlAndOutputConfig_BecomesADeveloperMessageInPlace()
    {
        var body = Map("""
            {"model":"claude-opus-5-5","messages":[
              {"role":"user","content":[{"type":"text","text":"hello"}]},
              {"role":"system","content":[{"type":"text","text":"Environment: linux","cache_control":{"type":"ephemeral"}}],"output_config":{"effort":"medium"}},
              {"role":"assistant","content":"hi"},
              {"role":"system","content":"The date is now 2026-12-06.","output_config":{"effort":"high"}},
              {"role":"user","content":"go on"}]}
            """).Body;

        Assert.Equal(
            [
                """{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}""",
                """{"type":"message","role":"developer","content":[{"type":"input_text","text":"Environment: linux"}]}""",
                """{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hi"}]}""",
                """{"type":"message","role":"developer","content":[{"type":"input_text","text":"The date is now 2026-12-06."}]}""",
                """{"type":"message","role":"user","content":[{"type":"input_text","text":"go on"}]}""",
            ],
            InputJson(body));
        Assert.Equal("high", body.Reasoning?.Effort);
    }

    [Fact]
    public void ArrayAndStringForms_OfTheSameText_GiveTheSameBytes()
    {
        const string Array = """{"role":"system","content":[{"type":"text","text":"Deferred tools: CronList","cache_control":{"type":"ephemeral"}}],"output_config":{"effort":"medium"}}""";
        const string String = """{"role":"system","content":"Deferred tools: CronList","output_config":{"effort":"medium"}}""";

        Assert.Equal(InputJson(Map(WithSecond(Array)).Body), InputJson(Map(WithSecond(String)).Body));
    }

    [Fact]
    public void EmptySystemEntry_FromBare_IsAcceptedAndAddsNothing()
    {
        var body = Map("""{"model":"claude-opus-5-5","messages":[{"role":"user","content":"hi"},{"role":"system","content":[]}]}""").Body;

        Assert.Equal(["""{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}"""], InputJson(body));
    }

    [Fact]
    public void UnknownFieldsOnAMessage_AreIgnored()
    {
        var body = Map("""{"model":"gpt-5.5","messages":[{"role":"user","content":"hi","turn_settings":{"x":1}}]}""").Body;

        Assert.Single(Conversation(body));
    }

    private static string WithSecond(string message) =>
        $$"""{"model":"claude-opus-5-5","messages":[{"role":"user","content":"hi"},{{message}}]}""";
}
