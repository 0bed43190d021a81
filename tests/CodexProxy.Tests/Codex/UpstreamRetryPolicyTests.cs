using CodexProxy.Codex;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>How often and how fast; what is retryable at all is <see cref="UpstreamFailureClassifierTests"/>' table.</summary>
public sealed class UpstreamRetryPolicyTests
{
    private static readonly UpstreamFailure Retryable = new(UpstreamFailureKind.ServerError, 500, "api_error", "boom") { RetryableBeforeOutput = true };

    [Fact]
    public void Default_IsTheOfficialClientsFourRetriesFrom200Ms()
    {
        Assert.Equal(4, UpstreamRetryPolicy.Default.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), UpstreamRetryPolicy.Default.BaseDelay);
    }

    [Fact]
    public void ShouldRetry_StopsAfterMaxRetries()
    {
        var policy = new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(100));

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(n => policy.ShouldRetry(Retryable, n)));
    }

    [Fact]
    public void ShouldRetry_NeverForAFailureThatIsNotRetryable()
    {
        var overloaded = new UpstreamFailure(UpstreamFailureKind.Overloaded, 529, "overloaded_error", "at capacity");

        Assert.False(UpstreamRetryPolicy.Default.ShouldRetry(overloaded, 0));
    }

    [Fact]
    public void DelayBefore_DoublesWithTenPercentJitter()
    {
        var policy = new UpstreamRetryPolicy(4, TimeSpan.FromMilliseconds(200));

        for (var retry = 0; retry < 4; retry++)
        {
            var nominal = 200 * Math.Pow(2, retry);
            var delays = Enumerable.Range(0, 50).Select(_ => policy.DelayBefore(retry).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, nominal * 0.9, nominal * 1.1));
            Assert.True(delays.Distinct().Count() > 1, "jitter");
        }
    }
}
