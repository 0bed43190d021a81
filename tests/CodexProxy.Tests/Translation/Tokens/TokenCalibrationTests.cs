using System.Runtime.CompilerServices;
using CodexProxy.Anthropic;
using CodexProxy.Codex.Wire;
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
    public async Task ObservedRatio_ScalesLaterCountsOfTheSameSession()
    {
        var calibration = new TokenCalibration();
        var sent = Map(Turn, sessionId: "s1").Body;
        var local = TokenCounter.Count(sent, TestContext.Current.CancellationToken);

        var real = local * 5 / 4;
        var ratio = (double)real / local;

        calibration.Record(sent, real);

        Assert.Equal(ratio, await calibration.RatioForAsync("s1", TestContext.Current.CancellationToken), precision: 6);
        Assert.Equal((int)Math.Round(1000 * ratio, MidpointRounding.AwayFromZero), calibration.Apply("s1", 1000));
        Assert.Equal(calibration.Apply("s1", 1000), calibration.Apply(sent.PromptCacheKey, 1000));
        Assert.Equal(100, calibration.Apply("other-session", 100));
        Assert.Equal(100, calibration.Apply(null, 100));
    }

    [Fact]
    public async Task LatestObservation_Wins_AndAbsurdRatiosAreClamped()
    {
        var calibration = new TokenCalibration();
        var sent = Map(Turn, sessionId: "s1").Body;
        var local = TokenCounter.Count(sent, TestContext.Current.CancellationToken);

        calibration.Record(sent, local * 10);
        Assert.Equal(TokenCalibration.MaxRatio, await calibration.RatioForAsync("s1", TestContext.Current.CancellationToken));

        calibration.Record(sent, local);
        Assert.Equal(1.0, await calibration.RatioForAsync("s1", TestContext.Current.CancellationToken), precision: 3);
    }

    [Fact]
    public async Task RecordUsage_CountsUncachedPlusCachedInput()
    {
        var calibration = new TokenCalibration();
        var sent = Map(Turn, sessionId: "s1").Body;
        var local = TokenCounter.Count(sent, TestContext.Current.CancellationToken);

        calibration.Record(sent, new AnthropicUsage { InputTokens = local, CacheReadInputTokens = local, OutputTokens = 5 });

        Assert.Equal(2.0, await calibration.RatioForAsync("s1", TestContext.Current.CancellationToken), precision: 3);
    }

    [Fact]
    public async Task ManySessions_KeepTheMostRecentlyAnswered_AndForgetTheOldest()
    {
        var ct = TestContext.Current.CancellationToken;
        var calibration = new TokenCalibration();
        var first = Map(Turn, sessionId: "session-0").Body;
        var local = TokenCounter.Count(first, TestContext.Current.CancellationToken);
        await RecordAsync(calibration, first, local * 3 / 2);
        for (var i = 1; i <= TokenCalibration.MaxSessions + 10; i++)
        {
            // The first session stays active: answered again between the others.
            await RecordAsync(calibration, Map(Turn, sessionId: $"session-{i}").Body, local * 3 / 2);
            if (i % 100 == 0)
            {
                await RecordAsync(calibration, first, local * 3 / 2);
            }
        }

        Assert.Equal(1.5, await calibration.RatioForAsync("session-0", ct), precision: 2);
        Assert.Equal(1.5, await calibration.RatioForAsync($"session-{TokenCalibration.MaxSessions + 10}", ct), precision: 2);
        Assert.Equal(1.0, await calibration.RatioForAsync("session-1", ct));
    }

    [Fact]
    public async Task ARecordingWhileAnotherCountRuns_IsSkipped_AndHoldsNoRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        var calibration = new TokenCalibration();
        // A long history keeps the first count busy while the second recording arrives.
        var longTurn = Turn.Replace("Summarise the repository layout, please.", string.Join(' ', Enumerable.Repeat("Summarise the repository layout, please.", 50_000)), StringComparison.Ordinal);
        var busy = Map(longTurn, sessionId: "busy").Body;
        var otherLocal = TokenCounter.Count(Map(Turn, sessionId: "other").Body, TestContext.Current.CancellationToken);

        calibration.Record(busy, 1);
        var recording = RecordOther(calibration, otherLocal * 2);
        await calibration.RatioForAsync("busy", ct);

        Assert.Equal(1.0, await calibration.RatioForAsync("other", ct));
        Assert.Equal(TokenCalibration.MinRatio, await calibration.RatioForAsync("busy", ct));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.False(recording.IsAlive, "a skipped recording must not keep its request");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RecordOther(TokenCalibration calibration, int real)
    {
        var sent = Map(Turn, sessionId: "other").Body;
        calibration.Record(sent, real);
        return new WeakReference(sent);
    }

    /// <summary>Records and waits for the count, as a later <c>count_tokens</c> of the same session would.</summary>
    private static async Task RecordAsync(TokenCalibration calibration, CodexRequest sent, int real)
    {
        calibration.Record(sent, real);
        await calibration.RatioForAsync(sent.PromptCacheKey, TestContext.Current.CancellationToken);
    }
}
