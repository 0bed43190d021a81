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
        proxy.Script = async (http, _) =>
        {
            await WriteSseAsync(http, Opening);
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        };

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
        proxy.Script = async (http, _) =>
        {
            await WriteSseAsync(http, Opening);
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        };

        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
            await AbortOneStreamAsync(proxy, Task.CompletedTask));

        await FaultMatrixTests.WaitUntilAsync(() => proxy.Upstream.OpenRequests == 0);
        Assert.Equal(200, proxy.Upstream.Attempts);
        var health = await proxy.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.True(health.IsSuccessStatusCode);
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
}
