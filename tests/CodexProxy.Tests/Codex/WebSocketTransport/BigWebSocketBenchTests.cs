using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>
/// Issue #15's real sizes on the transport users run by default (<c>bench/big-websocket.sh</c> runs it; skipped
/// unless <see cref="ReportVariable"/> names a report file): the real proxy as a child process
/// (<see cref="ProxyProcess"/>, <c>CODEX_TRANSPORT=auto</c>) in front of the fake backend with WebSockets on, and a
/// streamed Claude Code tool loop whose history grows by ~70 KB tool results to ~3.5 MB over 50 turns. Per turn:
/// the proxy's CPU time (<c>/proc</c>), the time to the first SSE event and to the end at the client, the bytes
/// sent upstream (the frame), and "direct": the full request the fake reconstructed, posted straight to its HTTP
/// <c>/codex/responses</c> right after (as <c>bench/big.sh</c> measures direct). The model input the fake
/// reconstructs must equal what the same client requests carry over HTTP, or the run fails.
/// </summary>
public sealed class BigWebSocketBenchTests
{
    public const string ReportVariable = "BIG_WEBSOCKET_BENCH_REPORT";

    /// <summary>Optional: the proxy's <c>LOG_LEVEL</c> (e.g. <c>debug</c> to see why a turn went out in full).</summary>
    public const string LogLevelVariable = "BIG_WEBSOCKET_BENCH_LOG_LEVEL";

    /// <summary>Optional: <c>http</c> runs the same session with <c>CODEX_TRANSPORT=http</c> (HTTPS + SSE, every turn a
    /// full zstd body), for a comparison in the same harness; the per-turn "frame" is then the body as sent.</summary>
    public const string TransportVariable = "BIG_WEBSOCKET_BENCH_TRANSPORT";

    /// <summary>Optional: <c>1</c> has the fake negotiate <c>permessage-deflate</c>, which the proxy offers (as the CLI
    /// does), so the proxy compresses every frame; the fake records frames decompressed.</summary>
    public const string DeflateVariable = "BIG_WEBSOCKET_BENCH_DEFLATE";

    public const int Turns = 50;

    /// <summary>Small turns of another conversation first: what a user's proxy has run before a history grows.</summary>
    public const int WarmUpTurns = 20;

    /// <summary>Marks the bench's own direct posts, so the fake's other HTTP requests are the proxy's.</summary>
    private const string DirectHeader = "x-bench-direct";

    [Theory]
    [InlineData("gpt-6.1-sol")]
    [InlineData("gpt-5.5")]
    public async Task RealSizeSession_OverTheDefaultTransport_GivesTheBackendTheFullInput(string model)
    {
        var reportPath = Environment.GetEnvironmentVariable(ReportVariable);
        Assert.SkipWhen(string.IsNullOrEmpty(reportPath), $"A bench: bench/big-websocket.sh runs it with {ReportVariable} set.");
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads the proxy's CPU time and peak RSS from /proc.");
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        upstream.DeflateWebSockets = Environment.GetEnvironmentVariable(DeflateVariable) == "1";
        var environment = new Dictionary<string, string>();
        if (Environment.GetEnvironmentVariable(LogLevelVariable) is { Length: > 0 } level)
        {
            environment["LOG_LEVEL"] = level;
        }

        var overHttp = Environment.GetEnvironmentVariable(TransportVariable) == "http";
        if (overHttp)
        {
            environment["CODEX_TRANSPORT"] = "http";
        }

        await using var proxy = await ProxyProcess.StartAsync(upstream.BaseUrl, ct, environment);
        using var direct = new HttpClient { BaseAddress = upstream.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };

        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000d1", model, toolTurns: Turns - 1)
        {
            SystemPromptBytes = 14_000,
            ExtraTools = 12,
            // 52 to 72 KB per tool result (~60 to 80 KB as JSON), fixed: about 3.5 MB of history by the last turn.
            ResultBytesOfTurn = turn => 52_000 + (turn * 7_919 % 20_000),
        };
        upstream.Responder = loop.Answer;
        var warmUp = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000d0", model, toolTurns: Turns - 1)
        {
            SystemPromptBytes = 14_000,
            ExtraTools = 12,
        };
        for (var turn = 0; turn < WarmUpTurns; turn++)
        {
            await TurnAsync(proxy, direct, upstream, warmUp, overHttp, ct);
        }

        var warmUpPeakRss = proxy.PeakRssMb;
        var turnsBefore = upstream.WebSocketTurns.Count;
        var loadAtStart = LoadAverage();
        proxy.ResetPeakRss();
        var cpuAtStart = proxy.CpuTime;
        var figures = new List<TurnFigures>();
        for (var turn = 0; turn < Turns; turn++)
        {
            figures.Add(await TurnAsync(proxy, direct, upstream, loop, overHttp, ct));
        }

        var session = new SessionFigures(
            model, overHttp ? "HTTPS + SSE (CODEX_TRANSPORT=http)" : upstream.DeflateWebSockets ? "default (WebSocket, permessage-deflate)" : "default (WebSocket)", proxy.Binary, figures, warmUpPeakRss, proxy.PeakRssMb, (proxy.CpuTime - cpuAtStart).TotalMilliseconds,
            loadAtStart, LoadAverage(), ProxyHttpRequests(upstream), await proxy.ReadLogAsync(ct));

        Assert.Empty(upstream.Rejections);
        if (!overHttp)
        {
            var turns = upstream.WebSocketTurns.Skip(turnsBefore).ToList();
            await CodexWebSocketEndToEndTests.AssertSameModelInputAsHttpAsync(turns, loop.Sent, ct);
        }

        await File.AppendAllTextAsync(reportPath!, BigWebSocketBenchReport.Markdown(session), ct);
        TestContext.Current.TestOutputHelper?.WriteLine(BigWebSocketBenchReport.Markdown(session));
    }

    /// <summary>One streamed turn through the proxy, then the same full request straight at the fake.</summary>
    private static async Task<TurnFigures> TurnAsync(
        ProxyProcess proxy, HttpClient direct, FakeCodexUpstream upstream, ToolLoopConversation loop, bool overHttp, CancellationToken ct)
    {
        var body = loop.Body(stream: true);
        loop.Sent.Add(body);
        var turnsBefore = overHttp ? ProxyHttpRequests(upstream) : upstream.WebSocketTurns.Count;
        var proxyCpu = proxy.CpuTime;
        var selfCpu = Environment.CpuUsage.TotalTime;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = AnthropicRequests.Json(body) };
        var proxied = await StreamAsync(proxy.Client, request, ct);
        proxyCpu = proxy.CpuTime - proxyCpu;
        selfCpu = Environment.CpuUsage.TotalTime - selfCpu;
        Assert.Equal("message_stop", proxied.Events[^1].EventType);
        loop.Append(AnthropicStreamedContent.Collect(proxied.Events));

        RecordedRequest full;
        int sentBytes;
        var incremental = false;
        if (overHttp)
        {
            Assert.True(ProxyHttpRequests(upstream) == turnsBefore + 1, $"turn {loop.Sent.Count} did not go over HTTPS");
            full = upstream.Requests.Last(r => r.Method == "POST" && r.Header(DirectHeader) is null);
            sentBytes = full.WireBodyLength;
        }
        else
        {
            var turns = upstream.WebSocketTurns;
            Assert.True(turns.Count == turnsBefore + 1, $"turn {loop.Sent.Count} did not go over the WebSocket");
            full = turns[^1];
            var frame = upstream.WebSocketFrames.Single(f => f.Number == full.Number);
            sentBytes = frame.Body.Length;
            incremental = frame.Json!.Value.TryGetProperty("previous_response_id", out _);
        }

        var directCpu = Environment.CpuUsage.TotalTime;
        using var straight = new HttpRequestMessage(HttpMethod.Post, "codex/responses") { Content = new ByteArrayContent(full.Body) };
        straight.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in full.Headers.Where(h => !IsConnectionHeader(h.Key)))
        {
            straight.Headers.TryAddWithoutValidation(name, value);
        }

        straight.Headers.TryAddWithoutValidation(DirectHeader, "1");
        var straightAnswer = await StreamAsync(direct, straight, ct);
        directCpu = Environment.CpuUsage.TotalTime - directCpu;
        Assert.Equal("response.completed", straightAnswer.Events[^1].DataType);
        var straightRecord = upstream.Requests.Last(r => r.Header(DirectHeader) is not null);

        return new TurnFigures(
            loop.Sent.Count, Encoding.UTF8.GetByteCount(body), full.Body.Length, sentBytes, incremental,
            proxyCpu.TotalMilliseconds, proxied.FirstEventMs, proxied.EndMs, selfCpu.TotalMilliseconds, FakeWorkMs(full),
            straightAnswer.FirstEventMs, straightAnswer.EndMs, directCpu.TotalMilliseconds, FakeWorkMs(straightRecord));
    }

    private static double FakeWorkMs(RecordedRequest request) =>
        Stopwatch.GetElapsedTime(request.ReceivedAt, request.AnsweringAt).TotalMilliseconds;

    private static async Task<(double FirstEventMs, double EndMs, List<AnthropicSseEvent> Events)> StreamAsync(
        HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var events = new List<AnthropicSseEvent>();
        var first = 0.0;
        await foreach (var sseEvent in AnthropicSseReader.ReadAsync(stream, ct))
        {
            if (events.Count == 0)
            {
                first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Assert.NotEqual("error", sseEvent.EventType);
            events.Add(sseEvent);
        }

        return (first, Stopwatch.GetElapsedTime(started).TotalMilliseconds, events);
    }

    /// <summary>Headers of the connection or of the body as sent (the WebSocket handshake's, zstd's), not of a plain POST.</summary>
    private static bool IsConnectionHeader(string name) =>
        name.StartsWith("sec-websocket-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("content-", StringComparison.OrdinalIgnoreCase)
        || name.ToLowerInvariant() is "host" or "connection" or "upgrade" or "transfer-encoding" or "expect";

    /// <summary>Requests the proxy itself sent over HTTPS (a turn that left the socket), not the bench's direct posts.</summary>
    private static int ProxyHttpRequests(FakeCodexUpstream upstream) =>
        upstream.Requests.Count(r => r.Method == "POST" && r.Header(DirectHeader) is null);

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

/// <summary>One turn: sizes in bytes, times in ms; "self" is the test process (the client and the fake backend), "fake
/// work" the fake's time from having the request (or frame) to answering it.</summary>
internal sealed record TurnFigures(
    int Turn, int AnthropicBytes, int FullBodyBytes, int SentBytes, bool Incremental,
    double ProxyCpuMs, double FirstEventMs, double EndMs, double SelfCpuMs, double FakeWorkMs,
    double DirectFirstEventMs, double DirectEndMs, double DirectSelfCpuMs, double DirectFakeWorkMs)
{
    /// <summary>Added to the first event with the fake's own work taken out on both sides: the proxy's share.</summary>
    public double AddedFirstEventNetMs => (FirstEventMs - FakeWorkMs) - (DirectFirstEventMs - DirectFakeWorkMs);
}

/// <summary>One model's session through one proxy process.</summary>
internal sealed record SessionFigures(
    string Model, string Transport, string Binary, IReadOnlyList<TurnFigures> Turns, double WarmUpPeakRssMb, double PeakRssMb,
    double ProxyCpuMs, string LoadAtStart, string LoadAtEnd, int ProxyHttpRequests, string ProxyLog);
