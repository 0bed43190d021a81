using System.Globalization;
using System.Text;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>
/// The replayed 50-turn Claude Code session of issue #15 (<c>bench/websocket.sh</c> runs it and prints the table):
/// a ~14 KB system prompt, 14 tools, and 49 tool round trips whose results grow the history to about 560 KB. Over the
/// WebSocket every turn after the first sends only its new items; the fake reconstructs the full model input, which
/// must equal the body the same client requests produce over HTTP. Bytes are counted, not timed.
/// </summary>
public sealed class WebSocketReplayBenchTests
{
    public const int Turns = 50;

    /// <summary>From here on each lite turn must send at most a tenth of its full body.</summary>
    public const int LargeBody = 200_000;

    /// <summary>Set to a file path to get the per-turn table as Markdown.</summary>
    public const string ReportVariable = "WEBSOCKET_BENCH_REPORT";

    [Theory]
    [InlineData("gpt-6.1-sol")]
    [InlineData("gpt-5.5")]
    public async Task ReplayedSession_SendsAFractionOfTheFullBody_WithIdenticalModelInput(string model)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000c1", model, toolTurns: Turns - 1)
        {
            SystemPromptBytes = 14_000,
            ExtraTools = 12,
            // 2 to 20 KB per tool result, fixed: about 560 KB of history by the last turn.
            ResultBytesOfTurn = turn => 2_000 + (turn * 7_919 % 18_000),
        };
        upstream.Responder = loop.Answer;
        for (var turn = 0; turn < Turns; turn++)
        {
            await loop.TurnAsync(proxy, ct);
        }

        Assert.Empty(upstream.Rejections);
        var frames = upstream.WebSocketFrames;
        Assert.Equal(Turns, frames.Count);
        var http = await CodexWebSocketEndToEndTests.AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, loop.Sent, ct);

        var later = Enumerable.Range(1, Turns - 1).ToList();
        Assert.All(later, i => Assert.True(frames[i].Json!.Value.TryGetProperty("previous_response_id", out _), $"turn {i + 1} went out in full"));
        var shares = later.Select(i => (double)frames[i].Body.Length / http[i].Body.Length).ToList();
        var total = later.Sum(i => (double)frames[i].Body.Length) / later.Sum(i => (double)http[i].Body.Length);
        await ReportAsync(model, frames, http, total, ct);
        Assert.True(total <= 0.10, $"turns 2..{Turns} sent {total:P1} of the full bodies");
        if (model == "gpt-6.1-sol")
        {
            // Responses-lite keeps the tools in the history (classic models re-send them every frame, as the CLI does).
            // Below ~200 KB one new tool result of up to 20 KB is itself more than a tenth of the body.
            Assert.All(later.Where(i => http[i].Body.Length >= LargeBody), i => Assert.True(
                shares[i - 1] <= 0.10, $"turn {i + 1} sent {shares[i - 1]:P1} of its {http[i].Body.Length:N0}-byte body"));
        }
    }

    private static async Task ReportAsync(string model, IReadOnlyList<RecordedRequest> frames, IReadOnlyList<RecordedRequest> http, double total, CancellationToken ct)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"### {model}: {Turns} turns");
        report.AppendLine();
        report.AppendLine("| turn | full body (JSON) | full body (zstd, as HTTP sends it) | WebSocket frame | frame / full |");
        report.AppendLine("| ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < frames.Count; i++)
        {
            if (i < 3 || i % 10 == 9 || i == frames.Count - 1)
            {
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {i + 1} | {http[i].Body.Length:N0} | {http[i].WireBodyLength:N0} | {frames[i].Body.Length:N0} | {(double)frames[i].Body.Length / http[i].Body.Length:P1} |");
            }
        }

        var full = http.Sum(r => (long)r.Body.Length);
        var zstd = http.Sum(r => (long)r.WireBodyLength);
        var socket = frames.Sum(f => (long)f.Body.Length);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| all | {full:N0} | {zstd:N0} | {socket:N0} | {(double)socket / full:P1} |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Turns 2..{Turns}: the frames are {total:P1} of the full bodies.");
        report.AppendLine();
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path)
        {
            await File.AppendAllTextAsync(path, report.ToString(), ct);
        }
    }
}
