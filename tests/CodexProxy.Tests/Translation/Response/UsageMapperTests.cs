using CodexProxy.Anthropic;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation;
using CodexProxy.Translation.Response;
using Xunit;

namespace CodexProxy.Tests.Translation.Response;

public sealed class UsageMapperTests
{
    [Fact]
    public void CachedTokens_AreSplitOutOfInputTokens()
    {
        var usage = UsageMapper.ToAnthropic(new CodexUsage
        {
            InputTokens = 18234,
            InputTokensDetails = new CodexInputTokensDetails { CachedTokens = 16128 },
            OutputTokens = 212,
            OutputTokensDetails = new CodexOutputTokensDetails { ReasoningTokens = 96 },
            TotalTokens = 18446,
        });

        Assert.Equal(new AnthropicUsage { InputTokens = 2106, CacheReadInputTokens = 16128, CacheCreationInputTokens = 0, OutputTokens = 212 }, usage);
    }

    [Fact]
    public void MissingDetails_MeanNoCachedTokens()
    {
        var usage = UsageMapper.ToAnthropic(new CodexUsage { InputTokens = 50, OutputTokens = 7 });

        Assert.Equal(new AnthropicUsage { InputTokens = 50, OutputTokens = 7 }, usage);
    }

    [Fact]
    public void NullUsage_IsAllZeros()
    {
        Assert.Equal(new AnthropicUsage(), UsageMapper.ToAnthropic(null));
    }

    [Fact]
    public void CachedAboveInput_NeverYieldsNegativeInput()
    {
        var usage = UsageMapper.ToAnthropic(new CodexUsage { InputTokens = 10, InputTokensDetails = new CodexInputTokensDetails { CachedTokens = 15 } });

        Assert.Equal((0, 10), (usage.InputTokens, usage.CacheReadInputTokens));
    }
}
