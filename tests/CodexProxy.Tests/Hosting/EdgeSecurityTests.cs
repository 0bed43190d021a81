using System.Net.Http.Headers;
using System.Text;
using CodexProxy.Hosting;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>The request edge: proxy key, body limit, JSON errors, no CORS, the exposure warning.</summary>
public sealed class EdgeSecurityTests
{
    private const string Key = "pk-edge-test-0123456789";

    [Fact]
    public async Task ProxyKeySet_RequestsWithoutIt_Get401AndNoRetry()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { ProxyApiKey = Key });

        foreach (var presented in new string?[] { null, "sk-wrong", Key + "x", Key[..^1] })
        {
            using var response = await proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(false), presented),
                TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.Equal(401, (int)response.StatusCode);
            Assert.Equal("authentication_error", ProxyRequests.ErrorType(body));
            Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        }

        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task ProxyKeySet_XApiKeyOrBearer_IsAcceptedAndHealthIsExempt()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { ProxyApiKey = Key });

        using var viaHeader = await proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(false), Key), TestContext.Current.CancellationToken);
        using var bearer = ProxyRequests.Post(ProxyRequests.Body(false), apiKey: null);
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var viaBearer = await proxy.Client.SendAsync(bearer, TestContext.Current.CancellationToken);
        using var health = await proxy.Client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)viaHeader.StatusCode);
        Assert.Equal(200, (int)viaBearer.StatusCode);
        Assert.Equal(200, (int)health.StatusCode);
    }

    [Fact]
    public async Task NoProxyKey_AnyClientKeyIsAccepted()
    {
        await using var proxy = await ProxyHarness.StartAsync();

        var (status, _, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task BrowserPreflightAndRequests_GetNoCorsHeaders()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/messages");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var post = ProxyRequests.Post(ProxyRequests.Body(false));
        post.Headers.Add("Origin", "https://evil.example");

        using var preflightResponse = await proxy.Client.SendAsync(preflight, TestContext.Current.CancellationToken);
        using var postResponse = await proxy.Client.SendAsync(post, TestContext.Current.CancellationToken);

        foreach (var response in new[] { preflightResponse, postResponse })
        {
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task BodyOverLimit_Gets413RequestTooLarge_DeclaredOrChunked()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { MaxRequestBodyBytes = 4096 });
        var big = ProxyRequests.Body(false, new string('x', 10_000));

        var ct = TestContext.Current.CancellationToken;

        // Expect: 100-continue lets the client hear the early 413 before it sends the body, as real HTTP clients do;
        // without it the test races the server's close against its own upload.
        using var declaredRequest = ProxyRequests.Post(big);
        declaredRequest.Headers.ExpectContinue = true;
        using var declared = await proxy.Client.SendAsync(declaredRequest, ct);
        var declaredBody = await declared.Content.ReadAsStringAsync(ct);

        // A chunked body is cut off while it is read; the server closes that connection, so the client sees the 413
        // or, if it was still uploading, the closed connection. Either way the server must keep serving.
        using var chunkedRequest = ProxyRequests.Post(big);
        chunkedRequest.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunkedRequest.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunkedRequest.Headers.TransferEncodingChunked = true;
        (int Status, string? ErrorType)? chunkedAnswer = null;
        try
        {
            using var chunked = await proxy.Client.SendAsync(chunkedRequest, ct);
            chunkedAnswer = ((int)chunked.StatusCode, ProxyRequests.ErrorType(await chunked.Content.ReadAsStringAsync(ct)));
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // The connection was closed under the upload: acceptable, the body was refused.
        }

        var small = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        Assert.Equal((413, "request_too_large"), ((int)declared.StatusCode, ProxyRequests.ErrorType(declaredBody)));
        if (chunkedAnswer is { } answer)
        {
            Assert.Equal((413, "request_too_large"), answer);
        }

        Assert.Equal(200, small.Status);
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":"many","messages":[]}""", "max_tokens")]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":7}]}]}""", "at messages[0].content[0].text")]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":[]}]}]}]}""", "at messages[0].content[1].content[0].text")]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}""", "messages")]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":7,"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[null],"tools":[null]}""", "messages[0]: must be an object, not null")]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":[{"type":"hologram"}]}]}""", "messages[0].content[0]")]
    public async Task InvalidJson_Gets400NamingThePath(string body, string path)
    {
        await using var proxy = await ProxyHarness.StartAsync();

        var (status, errorType, answer) = await ProxyRequests.SendAsync(proxy.Client, body);

        Assert.Equal((400, "invalid_request_error"), (status, errorType));
        Assert.True(answer.Contains(path, StringComparison.Ordinal), answer);
        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task NonLoopbackHostWithoutKey_LogsAClearWarning()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { Host = "0.0.0.0" });

        Assert.Contains("PROXY_API_KEY is not set", proxy.Console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackHost_DoesNotWarn()
    {
        await using var proxy = await ProxyHarness.StartAsync();

        Assert.DoesNotContain("PROXY_API_KEY is not set", proxy.Console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_ReadsReliabilitySettings()
    {
        var options = ProxyOptions.FromVariables(new Dictionary<string, string>
        {
            ["PROXY_API_KEY"] = "k-123",
            ["MAX_REQUEST_BODY_BYTES"] = "1000",
            ["UPSTREAM_IDLE_TIMEOUT_SECONDS"] = "42",
            ["LOG_FILE"] = "/tmp/x.log",
            ["LOG_LEVEL"] = "warn",
        });

        Assert.Equal(("k-123", 1000L, TimeSpan.FromSeconds(42), "/tmp/x.log", Microsoft.Extensions.Logging.LogLevel.Warning),
            (options.ProxyApiKey, options.MaxRequestBodyBytes, options.UpstreamIdleTimeout, options.LogFile, options.LogLevel));
        Assert.EndsWith("chatgpt-codex-proxy.log", new ProxyOptions().LogFile, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ProxyOptions.FromVariables(new Dictionary<string, string> { ["LOG_LEVEL"] = "loud" }));
        Assert.Throws<InvalidOperationException>(() => ProxyOptions.FromVariables(new Dictionary<string, string> { ["MAX_REQUEST_BODY_BYTES"] = "-1" }));
    }
}
