using System.Net.Http.Headers;
using System.Text;
using CodexProxy.Configuration;
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

        // Expect: 100-continue lets the client hear the 413 before it sends the body at all.
        using var expecting = ProxyRequests.Post(big);
        expecting.Headers.ExpectContinue = true;
        var declaredExpecting = await SendAsync(proxy.Client, expecting);
        // Without it the body is on its way; the proxy discards it, then answers.
        var declared = await SendAsync(proxy.Client, ProxyRequests.Post(big));
        var chunked = await SendAsync(proxy.Client, Chunked("/v1/messages?beta=true", new MemoryStream(Encoding.UTF8.GetBytes(big))));
        var chunkedCount = await SendAsync(proxy.Client, Chunked("/v1/messages/count_tokens?beta=true", new MemoryStream(Encoding.UTF8.GetBytes(big))));
        var small = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));
        var smallChunked = await SendAsync(proxy.Client, Chunked("/v1/messages?beta=true", new MemoryStream(Encoding.UTF8.GetBytes(ProxyRequests.Body(false)))));

        foreach (var answer in new[] { declaredExpecting, declared, chunked, chunkedCount })
        {
            Assert.Equal((413, "request_too_large"), (answer.Status, answer.ErrorType));
            Assert.Contains("4096 bytes", answer.Body, StringComparison.Ordinal);
        }

        Assert.True(chunked.ClosesConnection, "a refused upload ends its connection");
        Assert.Equal(200, small.Status);
        Assert.Equal(200, smallChunked.Status);
        Assert.Equal(2, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task ClientStoppingMidBody_IsRecordedAsGone_NotAsAFailure()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var address = proxy.Client.BaseAddress!;
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(address.Host, address.Port, ct);
        var stream = client.GetStream();
        var head = $"POST /v1/messages HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + """{"model":"claude-sonnet-4-5","messages":["""), ct);
        client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        // Kestrel drops (or resets) a connection whose client stopped sending mid-body, so the answer is in the log.
        var answer = string.Empty;
        try
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            answer = await reader.ReadToEndAsync(ct);
        }
        catch (IOException)
        {
            // Reset by the server.
        }

        var log = await proxy.ReadLogFileAsync();
        for (var wait = 0; wait < 50 && !log.Contains("POST /v1/messages", StringComparison.Ordinal); wait++)
        {
            await Task.Delay(100, ct);
            log = await proxy.ReadLogFileAsync();
        }

        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
        // The client's doing, not the proxy's: recorded as gone (499) or as its bad request (400), no failure logged.
        Assert.Matches("POST /v1/messages model=- sent=- status=(499|400) ", log);
        Assert.DoesNotContain("Request failed", log, StringComparison.Ordinal);
        Assert.DoesNotContain("status=500", log, StringComparison.Ordinal);
        Assert.Equal(0, proxy.Upstream.Attempts);
        var small = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));
        Assert.Equal(200, small.Status);
    }

    [Fact]
    public async Task EndlessChunkedUpload_IsCutOffInBoundedTime_AndTheServerKeepsServing()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { MaxRequestBodyBytes = 4096 });
        var ct = TestContext.Current.CancellationToken;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var upload = new EndlessJsonStream();
        var started = TimeProvider.System.GetTimestamp();

        int? status = null;
        try
        {
            using var response = await proxy.Client.SendAsync(Chunked("/v1/messages?beta=true", upload), deadline.Token);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Past the drain budget the server may close while the client is still writing: refused either way.
        }

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var small = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        Assert.False(deadline.IsCancellationRequested, "the server must not keep reading an endless upload");
        Assert.True(status is null or 413, $"status {status}");
        Assert.True(elapsed < RequestBodyLimit.DrainTimeout * 3, $"took {elapsed}");
        // The server read its drain budget, then closed: the client got nowhere near writing gigabytes.
        Assert.InRange(upload.Written, RequestBodyLimit.MinimumDrainBytes, 64L * 1024 * 1024);
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

        // count_tokens reads and maps the same body, so it must refuse it the same way.
        foreach (var endpoint in new[] { ProxyRequests.MessagesPath, "/v1/messages/count_tokens?beta=true" })
        {
            var (status, errorType, answer) = await ProxyRequests.SendAsync(proxy.Client, body, endpoint);

            Assert.Equal((400, "invalid_request_error"), (status, errorType));
            Assert.True(answer.Contains(path, StringComparison.Ordinal), answer);
        }

        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task NonLoopbackHostWithoutKeyAllowedExplicitly_LogsAClearWarning()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { Host = "0.0.0.0", AllowRemoteWithoutKey = true });

        // Log lines are written in the background.
        await FaultMatrixTests.WaitUntilAsync(() => proxy.Console.ToString().Contains("PROXY_API_KEY is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoopbackHost_DoesNotWarn()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        // Lines keep their order: once the request's line is out, a start-up warning would be out too.
        await FaultMatrixTests.WaitUntilAsync(() => proxy.Console.ToString().Contains("POST /v1/messages", StringComparison.Ordinal));
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

    private static HttpRequestMessage Chunked(string path, Stream body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-any");
        return request;
    }

    private static async Task<(int Status, string? ErrorType, string Body, bool ClosesConnection)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return ((int)response.StatusCode, ProxyRequests.ErrorType(body), body, response.Headers.ConnectionClose == true);
        }
    }

    /// <summary>A JSON request whose text block never ends (up to <see cref="Cap"/> bytes, so a broken server fails the test instead of hanging it).</summary>
    private sealed class EndlessJsonStream : Stream
    {
        public const long Cap = 1L << 30;

        private static readonly byte[] Start = Encoding.UTF8.GetBytes("""{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"x""");

        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var position = Written;
            if (position >= Cap)
            {
                return 0;
            }

            count = (int)Math.Min(count, Cap - position);
            for (var i = 0; i < count; i++)
            {
                buffer[offset + i] = position + i < Start.Length ? Start[position + i] : (byte)'x';
            }

            Interlocked.Add(ref _written, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
