using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CodexProxy.Anthropic;
using CodexProxy.CacheBench;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using ZstdSharp;

namespace CodexProxy.Benchmarks;

/// <summary>
/// zstd on the upstream request body of a Claude Code tool loop (the generator of <c>bench/cache</c>: history,
/// tool definitions, encrypted reasoning), mapped to the Codex request the proxy sends: CPU time per request by
/// compression level and size. The sizes are printed once in the set-up.
/// </summary>
[MemoryDiagnoser]
public class RequestCompressionBenchmarks
{
    private byte[] _body = [];
    private Compressor _compressor = null!;

    [Params(560, 3500)]
    public int Kilobytes { get; set; }

    [Params(-1, 1, 3)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = CodexBody(Kilobytes * 1024);
        _compressor = new Compressor(Level);
        var compressed = _compressor.Wrap(_body).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// zstd level {Level}: {_body.Length:N0} B -> {compressed:N0} B ({100.0 * compressed / _body.Length:F1} %)"));
    }

    [GlobalCleanup]
    public void Cleanup() => _compressor.Dispose();

    [Benchmark(Description = "zstd-compress the request body")]
    public int Compress() => _compressor.Wrap(_body).Length;

    /// <summary>Size and process CPU time per compression (not wall time, so a busy machine does not inflate it):
    /// 200 compressions per cell after a warm-up.</summary>
    public static void PrintCpuTable()
    {
        Console.WriteLine("| body | level | compressed | ratio | CPU ms per request |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (var kilobytes in new[] { 560, 3500 })
        {
            var body = CodexBody(kilobytes * 1024);
            foreach (var level in new[] { -3, -1, 1, 2, 3 })
            {
                using var compressor = new Compressor(level);
                var size = 0;
                for (var i = 0; i < 20; i++)
                {
                    size = compressor.Wrap(body).Length;
                }

                const int Rounds = 200;
                var process = System.Diagnostics.Process.GetCurrentProcess();
                var before = process.TotalProcessorTime;
                for (var i = 0; i < Rounds; i++)
                {
                    compressor.Wrap(body);
                }

                process.Refresh();
                var perRequest = (process.TotalProcessorTime - before).TotalMilliseconds / Rounds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {body.Length:N0} B | {level} | {size:N0} B | {100.0 * size / body.Length:F1} % | {perRequest:F2} |"));
            }
        }
    }

    /// <summary>A Claude Code session grown until its Codex request reaches <paramref name="bytes"/>.</summary>
    internal static byte[] CodexBody(int bytes)
    {
        var session = new ClaudeCodeSession(
            "5d0c8b8e-3f44-4a5e-9a51-2b7c1d9e6f10",
            new ClaudeCodeSession("x", "x", "x", [], 11).Words(2600),
            "Fix the failing tests in the request mapper and explain the cause.",
            ClaudeCodeSession.ToolDefinitions(14, 3),
            seed: 1);
        var context = new RequestContext("5d0c8b8e-3f44-4a5e-9a51-2b7c1d9e6f10", new ModelMappingOptions());
        for (var turn = 0; ; turn++)
        {
            var request = JsonSerializer.Deserialize(session.NextRequest(), AnthropicJsonContext.Default.MessagesRequest)!;
            var body = JsonSerializer.SerializeToUtf8Bytes(RequestMapper.ToCodexRequest(request, context).Body, CodexJsonContext.Wire.CodexRequest);
            if (body.Length >= bytes)
            {
                return body;
            }

            session.AdvanceWithToolCall(turn % 3 == 0 ? "Read" : "Bash");
        }
    }
}
