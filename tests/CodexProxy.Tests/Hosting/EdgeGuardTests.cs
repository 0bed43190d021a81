using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CodexProxy.Hosting;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>What <see cref="EdgeGuardMiddleware"/> refuses before anything is read or forwarded, and what it lets through.</summary>
public sealed class EdgeGuardTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("text/plain;json")]
    [InlineData("text/plain; charset=utf-8; x=json")]
    [InlineData("application/x-www-form-urlencoded; x=json")]
    [InlineData("multipart/form-data; boundary=json")]
    [InlineData("application/jsonp")]
    [InlineData("application/vnd.api+json")]
    [InlineData("text/json")]
    [InlineData("application/json, text/plain")]
    public async Task PostWithoutJsonMediaType_Is415BeforeAnythingIsRead(string? contentType)
    {
        await using var proxy = await ProxyHarness.StartAsync();

        foreach (var path in new[] { ProxyRequests.MessagesPath, "/v1/messages/count_tokens", "/health" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ProxyRequests.Body(false))) };
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            var answer = await SendAsync(proxy.Client, request);

            Assert.Equal((415, "invalid_request_error"), (answer.Status, answer.ErrorType));
            Assert.Contains("Content-Type: application/json", answer.Body, StringComparison.Ordinal);
        }

        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    public async Task PostWithJsonMediaType_IsServed(string contentType)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, ProxyRequests.MessagesPath) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ProxyRequests.Body(false))) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var answer = await SendAsync(proxy.Client, request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://evil.example:{port}")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://localhost:{port}.evil.example")]
    [InlineData("file://")]
    public async Task ForeignOrigin_Is403_OnEveryPath(string origin)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var port = proxy.Client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        foreach (var request in Requests())
        {
            request.Headers.TryAddWithoutValidation("Origin", origin.Replace("{port}", port, StringComparison.Ordinal));
            var answer = await SendAsync(proxy.Client, request);

            Assert.Equal((403, "permission_error"), (answer.Status, answer.ErrorType));
            Assert.Contains("web pages", answer.Body, StringComparison.Ordinal);
        }

        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task CrossSiteFetchMetadata_Is403_EvenWithoutOrigin(string site)
    {
        await using var proxy = await ProxyHarness.StartAsync();

        foreach (var request in Requests())
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", site);
            var answer = await SendAsync(proxy.Client, request);

            Assert.Equal((403, "permission_error"), (answer.Status, answer.ErrorType));
        }

        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("evil.example:{port}")]
    [InlineData("localhost.evil.example:{port}")]
    [InlineData("127.0.0.1.nip.io:{port}")]
    [InlineData("127.0.0.1:1")]
    [InlineData("localhost")]
    [InlineData("192.168.1.20:{port}")]
    public async Task HostNotNamingThisProxy_Is403_OnEveryPath(string host)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var port = proxy.Client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        foreach (var request in Requests())
        {
            request.Headers.Host = host.Replace("{port}", port, StringComparison.Ordinal);
            var answer = await SendAsync(proxy.Client, request);

            Assert.Equal((403, "permission_error"), (answer.Status, answer.ErrorType));
            Assert.Contains("DNS-rebinding", answer.Body, StringComparison.Ordinal);
        }

        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("127.0.0.1:{port}", null)]
    [InlineData("localhost:{port}", "http://localhost:{port}")]
    [InlineData("LOCALHOST:{port}", null)]
    [InlineData("[::1]:{port}", "http://[::1]:{port}")]
    [InlineData("127.0.0.1:{port}", "http://127.0.0.1:{port}")]
    public async Task LoopbackHostAndOwnOrigin_AreServed(string host, string? origin)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var port = proxy.Client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var statuses = new List<int>();
        foreach (var request in Requests())
        {
            request.Headers.Host = host.Replace("{port}", port, StringComparison.Ordinal);
            if (origin is not null)
            {
                request.Headers.TryAddWithoutValidation("Origin", origin.Replace("{port}", port, StringComparison.Ordinal));
                request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
            }

            statuses.Add((await SendAsync(proxy.Client, request)).Status);
        }

        Assert.Equal([200, 200, 200], statuses);
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task DeclaredOverLimit_Gets413BeforeTheBodyIsSent_ToAClientReadingWhileItSends()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });
        const long Declared = 256L * 1024 * 1024;
        var head = $"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:{proxy.Client.BaseAddress!.Port}\r\nContent-Type: application/json\r\n"
            + $"x-api-key: sk-any\r\nContent-Length: {Declared}\r\n\r\n";

        var (answer, sent) = await SlowUploadAsync(proxy.Client.BaseAddress, head, chunked: false);

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"request_too_large\"", answer, StringComparison.Ordinal);
        Assert.Contains("65536 bytes", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        // The answer came before the upload got anywhere near the limit: nothing was read first.
        Assert.True(sent < 64 * 1024, $"sent {sent} bytes before the answer");
        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task ChunkedOverLimit_Gets413_ToAClientReadingWhileItSends()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });
        var head = $"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:{proxy.Client.BaseAddress!.Port}\r\nContent-Type: application/json\r\n"
            + "x-api-key: sk-any\r\nTransfer-Encoding: chunked\r\n\r\n";

        var (answer, sent) = await SlowUploadAsync(proxy.Client.BaseAddress, head, chunked: true);

        Assert.True(answer.StartsWith("HTTP/1.1 413", StringComparison.Ordinal), answer);
        Assert.Contains("\"type\":\"request_too_large\"", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(sent, 64 * 1024, 64L * 1024 * 1024);
        Assert.Equal(0, proxy.Upstream.Attempts);
    }

    [Fact]
    public void JsonMediaType_IsParsedNotSearched()
    {
        Assert.True(EdgeGuardMiddleware.IsJson("application/json; charset=utf-8"));
        Assert.False(EdgeGuardMiddleware.IsJson("text/plain; x=application/json"));
        Assert.False(EdgeGuardMiddleware.IsJson(null));
        Assert.False(EdgeGuardMiddleware.IsJson(""));
    }

    /// <summary>A Messages POST, a GET of <c>/health</c> and a GET of <c>/v1/models</c>.</summary>
    private static IEnumerable<HttpRequestMessage> Requests()
    {
        yield return ProxyRequests.Post(ProxyRequests.Body(false));
        yield return new HttpRequestMessage(HttpMethod.Get, "/health");
        yield return new HttpRequestMessage(HttpMethod.Get, "/v1/models");
    }

    private static async Task<(int Status, string? ErrorType, string Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return ((int)response.StatusCode, ProxyRequests.ErrorType(body), body);
        }
    }

    /// <summary>Sends <paramref name="head"/>, then a JSON body 16 KiB at a time with pauses, while reading the answer
    /// on the same socket. Returns what was read once the server closed (or 20 s passed) and how many body bytes went out.</summary>
    private static async Task<(string Answer, long Sent)> SlowUploadAsync(Uri proxy, string head, bool chunked)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new TcpClient();
        await client.ConnectAsync(proxy.Host, proxy.Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        long sent = 0;
        var answer = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, stop.Token)) > 0)
                {
                    lock (answer)
                    {
                        answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    }

                    if (answer.ToString().Contains("}}", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // What was read before a reset or the deadline is the answer.
            }
        }, ct);

        var start = "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        var first = Encoding.ASCII.GetBytes(start + new string('x', (16 * 1024) - start.Length));
        // The JSON string never ends: only the size limit can stop it.
        var rest = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
        try
        {
            while (!reading.IsCompleted && sent < 64L * 1024 * 1024)
            {
                var piece = sent == 0 ? first : rest;

                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"), stop.Token);
                }

                await stream.WriteAsync(piece, stop.Token);
                if (chunked)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray(), stop.Token);
                }

                sent += piece.Length;
                await Task.Delay(20, stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The server closed the connection after its answer.
        }

        await reading;
        lock (answer)
        {
            return (answer.ToString(), sent);
        }
    }
}
