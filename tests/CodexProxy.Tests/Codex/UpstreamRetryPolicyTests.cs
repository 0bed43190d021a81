using System.Net.Sockets;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class UpstreamRetryPolicyTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new UpstreamConnectionException("refused"), true },
        { new HttpRequestException("reset"), true },
        { new IOException("reset"), true },
        { new SocketException(), true },
        { new UpstreamHttpException(502, "", null), true },
        { new UpstreamHttpException(503, "", null), true },
        { new UpstreamHttpException(504, "", null), true },
        { new UpstreamHttpException(500, "", null), false },
        { new UpstreamHttpException(429, """{"error":{"type":"usage_limit_reached"}}""", null), false },
        { new UpstreamHttpException(429, "{}", null), false },
        { new UpstreamHttpException(400, "{}", null), false },
        { new UpstreamStreamException(new CodexError { Code = "server_is_overloaded" }), true },
        { new UpstreamStreamException(new CodexError { Code = "server_error" }), true },
        { new UpstreamStreamException(new CodexError { Code = "usage_limit_reached" }), false },
        { new UpstreamStreamException(new CodexError { Code = "context_length_exceeded" }), false },
        { new UpstreamTimeoutException(TimeSpan.FromSeconds(300)), false },
        { new InvalidOperationException(), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsTransient_OnlyConnectionGatewayAndOverloadFailures(Exception failure, bool transient) =>
        Assert.Equal(transient, UpstreamRetryPolicy.IsTransient(failure));

    [Fact]
    public void ShouldRetry_StopsAfterMaxRetries()
    {
        var policy = new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(100));
        var failure = new UpstreamHttpException(503, "", null);

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(n => policy.ShouldRetry(failure, n)));
    }

    [Fact]
    public void DelayBefore_GrowsExponentiallyWithBoundedJitter()
    {
        var policy = new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(100));

        for (var retry = 0; retry < 3; retry++)
        {
            var nominal = 100 * Math.Pow(2, retry);
            var delays = Enumerable.Range(0, 50).Select(_ => policy.DelayBefore(retry).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, nominal * 0.8, nominal * 1.2));
            Assert.True(delays.Distinct().Count() > 1, "jitter");
        }
    }

    [Fact]
    public void InvalidEncryptedContent_IsRecognisedInBodiesAndStreamFailures()
    {
        Assert.True(UpstreamRetryPolicy.IsInvalidEncryptedContent(new UpstreamHttpException(400,
            """{"error":{"code":"invalid_encrypted_content"}}""", null)));
        Assert.True(UpstreamRetryPolicy.IsInvalidEncryptedContent(new UpstreamStreamException(new CodexError { Code = "invalid_encrypted_content" })));
        Assert.False(UpstreamRetryPolicy.IsInvalidEncryptedContent(new UpstreamHttpException(400, """{"detail":"bad model"}""", null)));
    }
}
