using CodexProxy.Anthropic;
using CodexProxy.IO;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

public sealed class SessionKeyTests
{
    private const string ClaudeCodeUserId =
        """{"device_id":"ab12","account_uuid":"","session_id":"6f1c3c1e-2a7b-4b7e-9d55-1f0c2e3d4a5b"}""";

    [Fact]
    public void Header_BecomesPromptCacheKey()
    {
        var mapped = MapWith("", sessionId: "0d6c9a52-header");

        Assert.Equal("0d6c9a52-header", SessionKey.SessionOf(mapped.Body.PromptCacheKey!));
        Assert.Matches("^0d6c9a52-header-[0-9a-f]{16}$", mapped.Body.PromptCacheKey);
    }

    [Fact]
    public void Header_WinsOverMetadata()
    {
        var metadata = new RequestMetadata { UserId = ClaudeCodeUserId };

        Assert.Equal("from-header", SessionKey.From("from-header", metadata));
    }

    [Fact]
    public void MetadataUserIdJson_SuppliesSessionId_WhenNoHeader()
    {
        var mapped = MapWith("""
            "metadata":{"user_id":"{\"device_id\":\"ab12\",\"account_uuid\":\"\",\"session_id\":\"6f1c3c1e-2a7b-4b7e-9d55-1f0c2e3d4a5b\"}"}
            """);

        Assert.StartsWith("6f1c3c1e-2a7b-4b7e-9d55-1f0c2e3d4a5b-", mapped.Body.PromptCacheKey, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("""{"device_id":"x"}""")]
    [InlineData("""{"session_id":42}""")]
    [InlineData("""{"session_id":""}""")]
    [InlineData("just-a-user")]
    public void UnusableUserId_GivesNoKey(string? userId)
    {
        Assert.Null(SessionKey.From(null, new RequestMetadata { UserId = userId }));
        Assert.Null(SessionKey.From("  ", new RequestMetadata { UserId = userId }));
    }

    [Fact]
    public void LegacyUserIdFormat_SuppliesSessionId()
    {
        Assert.Equal("9b8e", SessionKey.FromUserId("user_abc123_account_1f2e_session_9b8e"));
    }

    [Fact]
    public void NoHeaderNoMetadata_SendsNoPromptCacheKey()
    {
        var mapped = MapWith("");

        Assert.Null(mapped.Body.PromptCacheKey);
        Assert.DoesNotContain("prompt_cache_key", ToJson(mapped.Body), StringComparison.Ordinal);
    }

    [Fact]
    public void SameThread_KeepsItsKeyAcrossTurns()
    {
        var turn1 = Map("""{"model":"gpt-5.5","system":"main","messages":[{"role":"user","content":"fix the bug"}]}""", "s1");
        var turn2 = Map("""
            {"model":"gpt-5.5","system":"main","messages":[{"role":"user","content":"fix the bug"},
             {"role":"assistant","content":"done"},{"role":"user","content":"thanks"}]}
            """, "s1");

        Assert.Equal(turn1.Body.PromptCacheKey, turn2.Body.PromptCacheKey);
    }

    [Fact]
    public void Subagent_GetsItsOwnKeyInTheSameSession()
    {
        var main = Map("""{"model":"gpt-5.5","system":"main prompt","messages":[{"role":"user","content":"fix the bug"}]}""", "s1");
        var subagent = Map("""{"model":"gpt-5.5","system":"explore prompt","messages":[{"role":"user","content":"find callers"}]}""", "s1");
        var sameSystemOtherTask = Map("""{"model":"gpt-5.5","system":"main prompt","messages":[{"role":"user","content":"other"}]}""", "s1");

        Assert.NotEqual(main.Body.PromptCacheKey, subagent.Body.PromptCacheKey);
        Assert.NotEqual(main.Body.PromptCacheKey, sameSystemOtherTask.Body.PromptCacheKey);
        Assert.Equal("s1", SessionKey.SessionOf(subagent.Body.PromptCacheKey!));
    }

    [Fact]
    public void SameThread_SpelledWithOtherEscapes_KeepsItsKey()
    {
        var plain = Map("""{"model":"gpt-5.5","system":"café\n<rules>","messages":[{"role":"user","content":"naïve"}]}""", "s1");
        var escaped = Map("""{"model":"gpt-5.5","system":"caf\u00e9\u000a\u003crules>","messages":[{"role":"user","content":"na\u00efve"}]}""", "s1");
        var other = Map("""{"model":"gpt-5.5","system":"café\n<rules>.","messages":[{"role":"user","content":"naïve"}]}""", "s1");

        Assert.Equal(plain.Body.PromptCacheKey, escaped.Body.PromptCacheKey);
        Assert.NotEqual(plain.Body.PromptCacheKey, other.Body.PromptCacheKey);
    }

    /// <summary>The key's value is the backend's cache routing: a new value is one cache miss for every conversation
    /// in flight, so the hash must not change by accident (the values of 2026-12-06: instructions under and over the
    /// size that is remembered between turns).</summary>
    [Theory]
    [InlineData(2, "s1-fbc1276d1d9217e0")]
    [InlineData(100, "s1-45ded75357941809")]
    public void ThreadKey_KeepsItsValue(int systemRepeats, string expected)
    {
        var system = string.Concat(Enumerable.Repeat(@"rules é \""quoted\"" ", systemRepeats));
        var request = $$"""{"model":"gpt-5.5","system":"{{system}}","messages":[{"role":"user","content":[{"type":"text","text":"fix the bug"}]}]}""";

        Assert.Equal(expected, Map(request, "s1").Body.PromptCacheKey);
        Assert.Equal(expected, Map(request, "s1").Body.PromptCacheKey);
    }

    [Fact]
    public void RememberedInstructions_GiveTheKeyOfTheirText_TurnAfterTurn()
    {
        var text = string.Concat(Enumerable.Repeat("rules é \"quoted\" ", 100));
        var instructions = RawJsonString.Escaped(text);
        var task = Conversation(Map("""{"model":"gpt-5.5","messages":[{"role":"user","content":"fix the bug"}]}""").Body);
        var otherTask = Conversation(Map("""{"model":"gpt-5.5","messages":[{"role":"user","content":"other"}]}""").Body);

        var key = SessionKey.ForThread("s1", instructions, task);

        Assert.Equal(key, SessionKey.ForThread("s1", instructions, task));
        Assert.Equal(key, SessionKey.ForThread("s1", RawJsonString.Escaped(text), task));
        Assert.Equal(SessionKey.ForThread("s1", RawJsonString.Escaped(text), otherTask), SessionKey.ForThread("s1", instructions, otherTask));
        Assert.NotEqual(key, SessionKey.ForThread("s1", instructions, otherTask));
    }

    [Fact]
    public void OtherSession_SameThread_GetsOtherKey()
    {
        const string Body = """{"model":"gpt-5.5","system":"main","messages":[{"role":"user","content":"hi"}]}""";

        Assert.NotEqual(Map(Body, "s1").Body.PromptCacheKey, Map(Body, "s2").Body.PromptCacheKey);
    }

    [Theory]
    [InlineData("plain-session", "plain-session")]
    [InlineData("s1-0123456789abcdef", "s1")]
    public void SessionOf_StripsOnlyAThreadHash(string key, string expected)
    {
        Assert.Equal(expected, SessionKey.SessionOf(key));
    }
}
