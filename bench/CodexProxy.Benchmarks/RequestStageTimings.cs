using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Translation.Request;
using LoadTool;

namespace CodexProxy.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/CodexProxy.Benchmarks -- stages [KB...]</c>: where one big request's
/// time and allocations go, stage by stage (parse from a stream, map, serialise the upstream body), for the same
/// Claude Code-shaped bodies <c>bench/big.sh</c> sends. median wall time and mean process CPU (clock-tick resolution, so averaged) over 40 runs; on a loaded machine only the CPU means much after 5 warm-ups, allocations
/// per run exact, and the GC collections the 15 runs caused. Quicker than BenchmarkDotNet for multi-megabyte inputs.
/// </summary>
internal static class RequestStageTimings
{
    private const int Runs = 40;

    private static readonly RequestContext Context = new("6f1c2a9e-bench", new ModelMappingOptions());

    private static readonly LargeObjectAllocations Loh = new();

    public static async Task RunAsync(IEnumerable<int> kilobytes)
    {
        Console.WriteLine("body KB | stage | median wall ms | mean process CPU-ms | allocated KB | gen0/gen1/gen2 over 40 runs | LOH KB per run (types)");
        foreach (var kb in kilobytes)
        {
            var body = ClaudeCodeBody.Create(kb, images: false);
            var parsed = await ParseAsync(body);
            var mapped = RequestMapper.ToCodexRequest(parsed, Context);
            await MeasureAsync(body.Length, "parse (DeserializeAsync, 16 KB reads)", async () => await ParseAsync(body));
            await MeasureAsync(body.Length, "parse (PooledBody, 16 KB reads)", async () => await ParsePooledAsync(body));
            var history = new CodexProxy.Hosting.MessageHistoryParser(TimeProvider.System);
            history.Parse(body);
            await MeasureAsync(body.Length, "parse a body that repeats a remembered one (MessageHistoryParser)", () =>
                Task.FromResult<object>(history.Parse(body)!));
            await MeasureAsync(body.Length, "map", () => Task.FromResult<object>(RequestMapper.ToCodexRequest(parsed, Context)));
            await MeasureAsync(body.Length, "serialise (SerializeToUtf8Bytes)", () =>
                Task.FromResult<object>(JsonSerializer.SerializeToUtf8Bytes(mapped.Body, CodexJsonContext.Wire.CodexRequest)));
            await MeasureAsync(body.Length, "serialise to a stream", async () =>
            {
                await JsonSerializer.SerializeAsync(Stream.Null, mapped.Body, CodexJsonContext.Wire.CodexRequest);
                return body;
            });
            var serialized = JsonSerializer.SerializeToUtf8Bytes(mapped.Body, CodexJsonContext.Wire.CodexRequest);
            await MeasureAsync(body.Length, "zstd level 1 (RequestBodyCompression)", () =>
                Task.FromResult<object>(CodexProxy.Codex.RequestBodyCompression.Compress(serialized)));
            var turn = new CodexProxy.Codex.CodexTurn("bench-thread", "bench-turn", DateTimeOffset.UnixEpoch, TurnState: null);
            await MeasureAsync(body.Length, "serialise + zstd, pooled (OutgoingBody)", () =>
            {
                using var outgoing = new CodexProxy.Codex.OutgoingBody(mapped.Body, turn, "bench-install", System.Buffers.ArrayPool<byte>.Shared);
                return Task.FromResult<object>(outgoing.Compressed.Length);
            });
            // What the WebSocket transport adds per turn to find the items the backend already has: every item
            // serialised again and hashed, and the settings once.
            await MeasureAsync(body.Length, "digest every item (WebSocket turn)", () =>
                Task.FromResult<object>(CodexProxy.Codex.ItemDigest.OfSentItems(mapped.Body.Input)));
            await MeasureAsync(body.Length, "digest every item's value (before: what a turn did)", () =>
                Task.FromResult<object>(CodexProxy.Codex.ItemDigest.OfValues(mapped.Body.Input, 0, mapped.Body.Input.Count)));
            await MeasureAsync(body.Length, "digest the settings (WebSocket turn)", () =>
                Task.FromResult<object>(CodexProxy.Codex.ItemDigest.OfSettings(mapped.Body)));
            await MeasureAsync(body.Length, "XXH128 of the serialised body", () =>
                Task.FromResult<object>(CodexProxy.Codex.ItemDigest.Of(serialized)));
            await MeasureAsync(body.Length, "token count of a re-sent history (TokenCalibration.Record after the first turn)", () =>
                Task.FromResult<object>(CodexProxy.Translation.Tokens.TokenCounter.Count(mapped.Body)));
            await MeasureAsync(body.Length, "all three", async () =>
            {
                var request = await ParsePooledAsync(body);
                var codex = RequestMapper.ToCodexRequest(request, Context);
                return JsonSerializer.SerializeToUtf8Bytes(codex.Body, CodexJsonContext.Wire.CodexRequest);
            });
            await MeasureAsync(body.Length, "parse + map + serialise + zstd (pooled)", async () =>
            {
                var request = await ParsePooledAsync(body);
                var codex = RequestMapper.ToCodexRequest(request, Context);
                using var outgoing = new CodexProxy.Codex.OutgoingBody(codex.Body, turn, "bench-install", System.Buffers.ArrayPool<byte>.Shared);
                return outgoing.Compressed.Length;
            });
        }
    }

    /// <summary>Kestrel hands the body over in chunks; a stream that returns at most 16 KB per read mimics that.</summary>
    private static async Task<MessagesRequest> ParseAsync(byte[] body)
    {
        await using var stream = new ChunkedStream(body, 16 * 1024);
        return await JsonSerializer.DeserializeAsync(stream, AnthropicJsonContext.Default.MessagesRequest) ?? throw new InvalidOperationException();
    }

    private static async Task<MessagesRequest> ParsePooledAsync(byte[] body)
    {
        await using var stream = new ChunkedStream(body, 16 * 1024);
        using var pooled = await CodexProxy.IO.PooledBody.ReadAsync(stream, body.Length, CancellationToken.None);
        return JsonSerializer.Deserialize(pooled.Span, AnthropicJsonContext.Default.MessagesRequest) ?? throw new InvalidOperationException();
    }

    private static async Task MeasureAsync(int bodyBytes, string stage, Func<Task<object>> run)
    {
        for (var i = 0; i < 5; i++)
        {
            await run();
        }

        Loh.Reset();
        var times = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        long allocated = 0;
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        for (var i = 0; i < Runs; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await run();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        times.Sort();
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{bodyBytes / 1024,7} | {stage,-40} | {times[times.Count / 2],9:0.00} | {cpu.Average(),10:0.0} | {allocated / Runs / 1024,12:0} | "
            + $"{GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3} | {Loh.Describe(Runs)}"));
    }

    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
