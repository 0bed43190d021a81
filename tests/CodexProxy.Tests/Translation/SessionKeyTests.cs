using CodexProxy.Anthropic;
using CodexProxy.Translation;
using Xunit;
using static CodexProxy.Tests.Translation.MapperTestSupport;

namespace CodexProxy.Tests.Translation;

public sealed class SessionKeyTests
{
    private const string ClaudeCodeUserId =
        """{"device_id":"ab12","account_uuid":"","session_id":"6f1c3c1e-2a7b-4b7e-9d55-1f0c2e3d4a5b"}""";

    [Fact]
    public void Header_BecomesPromptCacheKey()
    {
        var mapped = MapWith("", sessionId: "0d6c9a52-header");

        Assert.Equal("0d6c9a52-header", mapped.Body.PromptCacheKey);
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

        Assert.Equal("6f1c3c1e-2a7b-4b7e-9d55-1f0c2e3d4a5b", mapped.Body.PromptCacheKey);
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
}
