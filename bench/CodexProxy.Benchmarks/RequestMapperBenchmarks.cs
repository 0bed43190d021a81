using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;

namespace CodexProxy.Benchmarks;

/// <summary>The request path for a Claude Code-sized (about 10 KB) body: parse, map, serialise.</summary>
[MemoryDiagnoser]
public class RequestMapperBenchmarks
{
    private static readonly RequestContext Context = new("session-1", new ModelMappingOptions());
    private readonly byte[] _body = Transcripts.ClaudeCodeRequest();
    private readonly ArrayBufferWriter<byte> _output = new(32 * 1024);
    private MessagesRequest _parsed = null!;

    [GlobalSetup]
    public void Setup() => _parsed = ParseRequest();

    [Benchmark(Description = "parse Messages request")]
    public object Parse() => ParseRequest();

    [Benchmark(Description = "map to Codex request")]
    public object Map() => RequestMapper.ToCodexRequest(_parsed, Context);

    private MessagesRequest ParseRequest() =>
        JsonSerializer.Deserialize(_body, AnthropicJsonContext.Default.MessagesRequest) ?? throw new InvalidOperationException();

    [Benchmark(Description = "parse + map + serialise")]
    public int EndToEnd()
    {
        var mapped = RequestMapper.ToCodexRequest(ParseRequest(), Context);
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output);
        JsonSerializer.Serialize(writer, mapped.Body, CodexJsonContext.Wire.CodexRequest);
        return _output.WrittenCount;
    }
}
