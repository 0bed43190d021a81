using CodexProxy.Anthropic;
using CodexProxy.Translation;
using CodexProxy.Translation.Tokens;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Tokens;

public sealed class TokenCalibrationTests
{
    private const string Turn = """{"model":"gpt-5.5","system":"You are Claude Code.","messages":[{"role":"user","content":"Summarise the repository layout, please."}]}""";

    [Fact]
    public void NoObservation_LeavesTheCountUnchanged()
    {
        Assert.Equal(1234, new TokenCalibration().Apply("s1", 1234));
    }

    [Fact]
    public void ObservedRatio_ScalesLaterCountsOfTheSameSession()
    {
        var calibration = new TokenCalibration();
        var sent = Map(Turn, sessionId: "s1").Body;
        var local = TokenCounter.Count(sent);

        var real = local * 5 / 4;
        var ratio = (double)real / local;

        calibration.Record(sent, real);

        Assert.Equal(ratio, calibration.RatioFor("s1"), precision: 6);
        Assert.Equal((int)Math.Round(1000 * ratio, MidpointRounding.AwayFromZero), calibration.Apply("s1", 1000));
        Assert.Equal(calibration.Apply("s1", 1000), calibration.Apply(sent.PromptCacheKey, 1000));
        Assert.Equal(100, calibration.Apply("other-session", 100));
        Assert.Equal(100, calibration.Apply(null, 100));
    }

    [Fact]
    public void LatestObservation_Wins_AndAbsurdRatiosAreClamped()
    {
        var calibration = new TokenCalibration();
        var sent = Map(Turn, sessionId: "s1").Body;
        var local = TokenCounter.Count(sent);

        calibration.Record(sent, local * 10);
        Assert.Equal(TokenCalibration.MaxRatio, calibration.RatioFor("s1"));

        calibration.Record(sent, local);
        Assert.Equal(1.0, calibration.RatioFor("s1"), precision: 3);
    }

    [Fact]
    public void RecordUsage_CountsUncachedPlusCachedInput()
    {
        var calibration = new TokenCalibration();
        var sent = Map(Turn, sessionId: "s1").Body;
        var local = TokenCounter.Count(sent);

        calibration.Record(sent, new AnthropicUsage { InputTokens = local, CacheReadInputTokens = local, OutputTokens = 5 });

        Assert.Equal(2.0, calibration.RatioFor("s1"), precision: 3);
    }

    [Fact]
    public void ManySessions_KeepTheMostRecentlyAnswered_AndForgetTheOldest()
    {
        var calibration = new TokenCalibration();
        var first = Map(Turn, sessionId: "session-0").Body;
        var local = TokenCounter.Count(first);
        calibration.Record(first, local * 3 / 2);
        for (var i = 1; i <= 40; i++)
        {
            // The first session stays active: answered again between the others.
            calibration.Record(Map(Turn, sessionId: $"session-{i}").Body, local * 3 / 2);
            if (i % 5 == 0)
            {
                calibration.Record(first, local * 3 / 2);
            }
        }

        Assert.Equal(1.5, calibration.RatioFor("session-0"), precision: 2);
        Assert.Equal(1.5, calibration.RatioFor("session-40"), precision: 2);
        Assert.Equal(1.0, calibration.RatioFor("session-1"));
    }
}
