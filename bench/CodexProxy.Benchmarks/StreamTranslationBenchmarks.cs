using System.Buffers;
using BenchmarkDotNet.Attributes;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Translation;
using CodexProxy.Translation.Response;

namespace CodexProxy.Benchmarks;

/// <summary>
/// The streaming hot path, per upstream event: SSE bytes → <see cref="CodexEventReader"/> → <see cref="StreamTranslator"/>
/// → <see cref="AnthropicSseFormatter"/>. <c>OperationsPerInvoke</c> makes "Allocated" a per-event figure.
/// </summary>
[MemoryDiagnoser]
public class StreamTranslationBenchmarks
{
    private const int Deltas = 20;
    private const int EventsPerStream = Deltas + 7;
    private static readonly StreamTranslationContext Context = new("msg_bench", "claude-sonnet-4-5", ToolNameMap.Empty);
    private readonly byte[] _stream = Transcripts.CodexTextStream(Deltas);
    private readonly byte[] _deltaData =
        """{"type":"response.output_text.delta","sequence_number":7,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"word ","logprobs":[]}"""u8.ToArray();

    // One per stream in the proxy; it remembers the item id, which repeats across a stream's deltas.
    private readonly CodexFlatEventParser _deltaParser = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly ContentBlockDeltaEvent _textDelta = new(0, new TextDelta("word "));

    [Benchmark(OperationsPerInvoke = EventsPerStream, Description = "whole stream, per upstream event")]
    public async Task<int> TranslateStreamAsync()
    {
        _output.ResetWrittenCount();
        using var body = new MemoryStream(_stream, writable: false);
        var events = CodexEventReader.ReadAsync(body, CancellationToken.None);
        await foreach (var e in StreamTranslator.TranslateAsync(events, Context, CancellationToken.None))
        {
            AnthropicSseFormatter.WriteEvent(_output, e);
        }

        return _output.WrittenCount;
    }

    [Benchmark(Description = "parse one output_text.delta")]
    public object? ParseDelta() => CodexEventReader.Parse(_deltaData, _deltaParser);

    [Benchmark(Description = "format one content_block_delta")]
    public int FormatDelta()
    {
        _output.ResetWrittenCount();
        AnthropicSseFormatter.WriteEvent(_output, _textDelta);
        return _output.WrittenCount;
    }
}
