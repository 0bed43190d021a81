using System.Text.Json;
using CodexProxy.Diagnostics;
using CodexProxy.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CodexProxy.Tests.Fakes.UpstreamScript;

namespace CodexProxy.Tests.Hosting;

/// <summary>Faults after content reached the client: never retried, reported as an SSE <c>error</c> event.</summary>
public sealed class StreamFaultTests
{
    private static readonly string[] Opening =
    [
        Created,
        """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}""",
        """{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"partial"}""",
    ];

    [Fact]
    public async Task ResetMidStream_EndsWithApiErrorEventAndNoRetry()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = async (http, _) =>
        {
            await WriteSseAsync(http, Opening);
            // A reset discards bytes the proxy has not read yet; let the opening arrive first, so the fault
            // lands after output, which is the case under test.
            await Task.Delay(300, http.RequestAborted);
            http.Abort();
        };

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Contains("partial", body, StringComparison.Ordinal);
        Assert.Equal("api_error", ProxyRequests.StreamErrorType(body));
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task IdleStallAfterOutput_EndsWithTimeoutErrorEvent()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = OpenThenHangUntilAborted;

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Equal("timeout_error", ProxyRequests.StreamErrorType(body));
        await FaultMatrixTests.WaitUntilAsync(() => proxy.Upstream.OpenRequests == 0);
    }

    [Fact]
    public async Task MalformedSseLine_IsSkippedAndTheTurnCompletes()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var turn = TextTurn("whole");
        proxy.Script = (http, _) => WriteSseAsync(http, [turn[0], "{not json at all", turn[1], turn[2], "\u0001garbage", turn[3], turn[4]]);

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Contains("whole", body, StringComparison.Ordinal);
        Assert.Equal("message_stop", ProxyRequests.EventNames(body)[^1]);
    }

    [Fact]
    public async Task TruncatedJsonThenEof_AfterOutput_EndsWithApiErrorEvent()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = async (http, _) =>
        {
            await WriteSseAsync(http, Opening);
            await WriteEventAsync(http, """{"type":"response.output_text.delta","item_id":"msg_1","del""");
        };

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Equal("api_error", ProxyRequests.StreamErrorType(body));
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Theory]
    [InlineData("server_is_overloaded", "overloaded_error")]
    [InlineData("context_length_exceeded", "invalid_request_error")]
    [InlineData("usage_limit_reached", "rate_limit_error")]
    public async Task ResponseFailedAfterOutput_IsAnErrorEventNeverARetry(string code, string errorType)
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteSseAsync(http, [.. Opening, Failed(code)]);

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Equal(errorType, ProxyRequests.StreamErrorType(body));
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    [Fact]
    public async Task ContextOverflowAfterOutput_IsAPromptTooLongErrorEvent()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteSseAsync(http, [.. Opening, Failed("context_length_exceeded")]);

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));

        Assert.Equal(200, status);
        Assert.Contains("""{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: failed: context_length_exceeded"}}""",
            body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseIncomplete_IsANormalEndWithMaxTokens()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteSseAsync(http,
        [
            .. Opening,
            """{"type":"response.incomplete","response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":5,"output_tokens":9}}}""",
        ]);

        var (status, _, body) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));

        Assert.Equal(200, status);
        Assert.Contains("\"stop_reason\":\"max_tokens\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientAbort_CancelsTheUpstreamRequestAtOnce()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { UpstreamIdleTimeout = TimeSpan.FromMinutes(5) });
        var reachedUpstream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Script = async (http, _) =>
        {
            await WriteSseAsync(http, Opening);
            reachedUpstream.TrySetResult();
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        };

        await AbortOneStreamAsync(proxy, reachedUpstream.Task);

        await FaultMatrixTests.WaitUntilAsync(() => proxy.Upstream.OpenRequests == 0, 5000);
    }

    [Fact]
    public async Task ManyAbortedStreams_LeaveNoUpstreamRequestOpen()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { UpstreamIdleTimeout = TimeSpan.FromMinutes(5) });
        proxy.Script = OpenThenHangUntilAborted;

        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
            await AbortOneStreamAsync(proxy, Task.CompletedTask));

        await FaultMatrixTests.WaitUntilAsync(() => proxy.Upstream.OpenRequests == 0);
        Assert.Equal(200, proxy.Upstream.Attempts);
        await WaitForIdleHealthAsync(proxy);
    }

    [Fact]
    public async Task StreamHeldOpen_ShowsInHealthUntilTheClientAborts()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { UpstreamIdleTimeout = TimeSpan.FromMinutes(5) });
        proxy.Script = OpenThenHangUntilAborted;
        var ct = TestContext.Current.CancellationToken;
        var response = await proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(true)), HttpCompletionOption.ResponseHeadersRead, ct);
        var stream = await response.Content.ReadAsStreamAsync(ct);
        Assert.True(await stream.ReadAsync(new byte[64], ct) > 0);

        var open = await GetHealthAsync(proxy);

        Assert.Equal(1, open.GetProperty("upstream_streams_open").GetInt32());
        Assert.True(open.GetProperty("requests_in_flight").GetInt32() >= 1);
        // Disposing an unfinished response is what aborts the connection; cancelling a token nothing waits on does not.
        await stream.DisposeAsync();
        response.Dispose();
        await WaitForIdleHealthAsync(proxy);
    }

    [Fact]
    public async Task ClientAbortBeforeAnyOutput_ClosesTheUpstreamStream()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { UpstreamIdleTimeout = TimeSpan.FromMinutes(5) });
        var reachedUpstream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Script = async (http, _) =>
        {
            // Only the preamble: the proxy is still deciding whether it may retry when the client leaves.
            await WriteSseAsync(http, [Created]);
            reachedUpstream.TrySetResult();
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        };
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var sending = proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(true)), HttpCompletionOption.ResponseHeadersRead, abort.Token);
        await reachedUpstream.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await FaultMatrixTests.WaitUntilAsync(() => proxy.Services.GetRequiredService<ActivityGauges>().UpstreamStreamsOpen == 1);

        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await FaultMatrixTests.WaitUntilAsync(() => proxy.Upstream.OpenRequests == 0);
        await WaitForIdleHealthAsync(proxy);
    }

    private static async Task<JsonElement> GetHealthAsync(ProxyHarness proxy)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await proxy.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);
        Assert.True(response.IsSuccessStatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.Clone();
    }

    /// <summary>Polls <c>/health</c> (bounded) until nothing is in flight and no upstream response is open.</summary>
    private static async Task WaitForIdleHealthAsync(ProxyHarness proxy)
    {
        var deadline = Environment.TickCount64 + 5000;
        while (true)
        {
            var health = await GetHealthAsync(proxy);
            var (inFlight, open) = (health.GetProperty("requests_in_flight").GetInt32(), health.GetProperty("upstream_streams_open").GetInt32());
            if (inFlight == 0 && open == 0)
            {
                return;
            }

            Assert.True(Environment.TickCount64 < deadline, $"Still busy: {inFlight} requests in flight, {open} upstream streams open.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static async Task AbortOneStreamAsync(ProxyHarness proxy, Task reachedUpstream)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var response = await proxy.Client.SendAsync(ProxyRequests.Post(ProxyRequests.Body(true)),
            HttpCompletionOption.ResponseHeadersRead, abort.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(abort.Token);
        var buffer = new byte[64];
        Assert.True(await stream.ReadAsync(buffer, abort.Token) > 0);
        await reachedUpstream;
        await abort.CancelAsync();
    }

    /// <summary>An upstream that opens the stream and then stays silent until the proxy hangs up.</summary>
    private static async Task OpenThenHangUntilAborted(HttpContext http, int attempt)
    {
        await WriteSseAsync(http, Opening);
        await Task.Delay(Timeout.Infinite, http.RequestAborted);
    }
}
