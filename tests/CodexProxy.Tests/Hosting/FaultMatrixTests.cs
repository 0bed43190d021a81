using System.Net;
using CodexProxy.Tests.Fakes;
using Xunit;
using static CodexProxy.Tests.Fakes.UpstreamScript;

namespace CodexProxy.Tests.Hosting;

/// <summary>Each upstream fault end to end through the proxy: the exact Anthropic status and error type
/// before streaming starts, and how many upstream attempts it took.</summary>
public sealed class FaultMatrixTests
{
    [Theory]
    [InlineData(401, """{"detail":"Unauthorized"}""", 401, "authentication_error", 2)]
    [InlineData(403, """{"detail":"Forbidden"}""", 403, "permission_error", 1)]
    [InlineData(404, """{"detail":"Not Found"}""", 404, "not_found_error", 1)]
    [InlineData(429, """{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_in_seconds":600}}""", 429, "rate_limit_error", 1)]
    [InlineData(429, """{"error":{"type":"rate_limit_error","code":"rate_limit_exceeded","message":"Slow down"}}""", 429, "rate_limit_error", 1)]
    [InlineData(500, """{"detail":"boom"}""", 500, "api_error", 4)]
    [InlineData(503, """{"detail":"busy"}""", 529, "overloaded_error", 4)]
    [InlineData(503, """{"error":{"code":"server_is_overloaded","message":"busy"}}""", 529, "overloaded_error", 1)]
    [InlineData(503, """{"error":{"code":"slow_down"}}""", 529, "overloaded_error", 1)]
    [InlineData(502, "<html>bad gateway</html>", 500, "api_error", 4)]
    [InlineData(504, "<html>gateway timeout</html>", 500, "api_error", 4)]
    public async Task UpstreamStatus_MapsToAnthropicErrorWithRetriesOnlyWhereAllowed(
        int upstreamStatus, string upstreamBody, int status, string errorType, int attempts)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteErrorAsync(http, upstreamStatus, upstreamBody);

        foreach (var stream in new[] { true, false })
        {
            var before = proxy.Upstream.Attempts;
            var (actualStatus, actualType, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(stream));

            Assert.Equal((status, errorType), (actualStatus, actualType));
            Assert.Equal(attempts, proxy.Upstream.Attempts - before);
        }
    }

    [Fact]
    public async Task UsageLimit429_IsNeverRetriedAndTellsClaudeCodeNotTo()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteErrorAsync(http, 429,
            """{"error":{"type":"usage_limit_reached","message":"limit","resets_in_seconds":90}}""");

        using var response = await proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(true)), TestContext.Current.CancellationToken);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task RateLimit429_IsNotRetriedAndPassesOnTheWaitTheBackendNamed()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteErrorAsync(http, 429,
            """{"error":{"type":"rate_limit_exceeded","code":"rate_limit_exceeded","message":"Rate limit reached. Please try again in 20s."}}""");

        using var response = await proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(true)), TestContext.Current.CancellationToken);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task TransientFailures_ThenSuccess_AreInvisibleToTheClient()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, attempt) => attempt switch
        {
            1 => WriteErrorAsync(http, 503, "{}"),
            2 => WriteSseAsync(http, Created, Failed("server_error")),
            _ => WriteSseAsync(http, TextTurn("recovered")),
        };

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Contains("recovered", body, StringComparison.Ordinal);
        Assert.DoesNotContain("event: error", body, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("server_is_overloaded", 529, "overloaded_error", 1)]
    [InlineData("server_error", 500, "api_error", 4)]
    [InlineData("context_length_exceeded", 400, "invalid_request_error", 1)]
    [InlineData("usage_limit_reached", 429, "rate_limit_error", 1)]
    [InlineData("rate_limit_exceeded", 429, "rate_limit_error", 1)]
    [InlineData("invalid_prompt", 400, "invalid_request_error", 1)]
    [InlineData("something_new", 500, "api_error", 1)]
    public async Task ResponseFailedBeforeOutput_IsAnsweredWithAStatus(string code, int status, string errorType, int attempts)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteSseAsync(http, Created, Failed(code));

        var (actualStatus, actualType, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal((status, errorType), (actualStatus, actualType));
        Assert.Equal(attempts, proxy.Upstream.Attempts);
        if (code == "context_length_exceeded")
        {
            Assert.Contains("\"message\":\"prompt is too long: ", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RefusedConnection_IsRetriedThenApiError()
    {
        await using var proxy = await ProxyHarness.StartAsync(upstreamOverride: ProxyFixture.UnreachableUrl());

        var (status, errorType, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal((500, "api_error"), (status, errorType));
        Assert.Contains("Could not reach", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadersNeverArriving_TimesOutWith504()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => Task.Delay(Timeout.Infinite, http.RequestAborted);

        var (status, errorType, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        Assert.Equal((504, "timeout_error"), (status, errorType));
        Assert.Equal(1, proxy.Upstream.Attempts);
        await WaitUntilAsync(() => proxy.Upstream.OpenRequests == 0);
    }

    [Fact]
    public async Task InvalidEncryptedContent_DropsReasoningAndRetriesOnceTransparently()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, attempt) => attempt == 1
            ? WriteErrorAsync(http, 400, """{"error":{"message":"The encrypted content gAAA could not be verified.","type":"invalid_request_error","code":"invalid_encrypted_content"}}""")
            : WriteSseAsync(http, TextTurn("fine"));
        var body = """{"model":"claude-sonnet-4-5","max_tokens":100,"stream":false,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"cxp1.rs_1.gAAAAABforeign"},{"type":"text","text":"b"}]},{"role":"user","content":"c"}]}""";

        var (status, _, answer) = await ProxyRequests.SendAsync(proxy.Client, body);

        Assert.Equal(200, status);
        Assert.Contains("fine", answer, StringComparison.Ordinal);
        Assert.Equal(2, proxy.Upstream.Attempts);
        Assert.Contains("\"type\":\"reasoning\"", proxy.Upstream.Requests[0].BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\":\"reasoning\"", proxy.Upstream.Requests[1].BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidEncryptedContentWithoutReasoning_IsA400NotALoop()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteErrorAsync(http, 400,
            """{"error":{"message":"could not be verified","type":"invalid_request_error","code":"invalid_encrypted_content"}}""");

        var (status, errorType, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        Assert.Equal((400, "invalid_request_error"), (status, errorType));
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "Condition not reached in time.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
