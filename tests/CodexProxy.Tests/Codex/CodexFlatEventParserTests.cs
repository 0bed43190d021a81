using System.Text;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class CodexFlatEventParserTests
{
    public static TheoryData<string> TranscriptFlatLines()
    {
        var lines = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Transcripts"), "*.sse", SearchOption.AllDirectories)
                     .Where(f => !f.EndsWith(".expected.sse", StringComparison.Ordinal)))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && IsFlat(l)))
            {
                lines.Add(line["data: ".Length..]);
            }
        }

        return lines;
    }

    [Theory]
    [MemberData(nameof(TranscriptFlatLines))]
    public void EveryTranscriptFlatEvent_ParsesExactlyAsTheSerializerDoes(string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);

        var parsed = CodexEventReader.Parse(bytes, new CodexFlatEventParser());

        Assert.NotNull(parsed);
        Assert.Equal(Serialized(bytes), parsed);
    }

    [Theory]
    [InlineData("""{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[],"obfuscation":"x1"}""")]
    [InlineData("""{"type":"response.reasoning_summary_text.delta","item_id":"rs_\u0031","output_index":1,"summary_index":2,"delta":"th\u00e9","sequence_number":9}""")]
    [InlineData("""{"delta":"{\"a\":","type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":3,"extra":{"nested":[1,{"x":null}]}}""")]
    [InlineData("""{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hi there","logprobs":[]}""")]
    [InlineData("""{"type":"response.reasoning_summary_text.done","item_id":"rs_1","output_index":0,"summary_index":0,"text":"Th\u00e9","sequence_number":4}""")]
    [InlineData("""{"type":"response.function_call_arguments.done","item_id":"fc_1","output_index":2,"arguments":"{\"command\":\"ls\"}"}""")]
    [InlineData("""{"type":"response.output_text.delta","delta":"a","text":"a"}""")]
    public void FlatEvents_TakeTheFastPath_WithTheSerializersResult(string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);

        var fast = new CodexFlatEventParser().TryParse(bytes);

        Assert.NotNull(fast);
        Assert.Equal(Serialized(bytes), fast);
    }

    [Theory]
    [InlineData("""{"type":"response.created","response":{"id":"resp_1"}}""")]
    [InlineData("""{"type":"response.output_text.delta","delta":null}""")]
    [InlineData("""{"type":"response.output_text.delta","output_index":"1","delta":"a"}""")]
    [InlineData("""{"type":"response.output_text.delta","output_index":1.5,"delta":"a"}""")]
    [InlineData("""{"type":"response.output_text.delta","delta":"a","part":{"type":"output_text"}}""")]
    [InlineData("""{"type":"response.output_text.done","text":null}""")]
    [InlineData("""{"type":"response.content_part.done","item_id":"msg_1","part":{"type":"output_text","text":"a"}}""")]
    [InlineData("""{"type":7,"delta":"a"}""")]
    [InlineData("""["response.output_text.delta"]""")]
    [InlineData("""{"delta":"a"}""")]
    public void AnythingElse_IsLeftToTheSerializer(string data) =>
        Assert.Null(new CodexFlatEventParser().TryParse(Encoding.UTF8.GetBytes(data)));

    [Theory]
    [InlineData("""{"type":"response.output_text.delta","delta":"a"} trailing""")]
    [InlineData("""{"type":"response.output_text.delta","delta":"a\""")]
    public void MalformedData_IsSkippedLikeTheSerializerWould(string data) =>
        Assert.Null(CodexEventReader.Parse(Encoding.UTF8.GetBytes(data), new CodexFlatEventParser()));

    [Theory]
    [InlineData("""{"type":"response.content_part.done","item_id":"msg_1","part":{"type":"output_text","text":"all of it"}}""", "response.content_part.done")]
    [InlineData("""{"sequence_number":4,"type":"response.output_text.done","text":"all of it","logprobs":[]}""", "response.output_text.done")]
    [InlineData("""{"type":"response.content_part.done","part":{"text":"cut off""", "response.content_part.done")]
    public void EventOfATypeReadByTypeOnly_IsReadNoFurtherThanItsType(string data, string type)
    {
        var parser = new CodexFlatEventParser(new CodexEventTypes("response.output_text.done", "response.content_part.done"));

        var parsed = CodexEventReader.Parse(Encoding.UTF8.GetBytes(data), parser);

        Assert.Equal(new CodexStreamEvent { Type = type }, parsed);
    }

    [Fact]
    public void EventOfAnotherType_IsReadInFull_WhenSomeAreReadByTypeOnly()
    {
        var data = """{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message"}}"""u8.ToArray();

        var parsed = CodexEventReader.Parse(data, new CodexFlatEventParser(new CodexEventTypes("response.content_part.done")));

        Assert.Equal(Serialized(data), parsed);
        Assert.Equal("msg_1", parsed!.Item!.Id);
    }

    [Fact]
    public void RepeatedItemId_IsOneSharedString()
    {
        var parser = new CodexFlatEventParser();

        var first = parser.TryParse("""{"type":"response.output_text.delta","item_id":"msg_7","delta":"a"}"""u8);
        var second = parser.TryParse("""{"type":"response.output_text.delta","item_id":"msg_7","delta":"b"}"""u8);
        var other = parser.TryParse("""{"type":"response.output_text.delta","item_id":"msg_8","delta":"c"}"""u8);

        Assert.Same(first!.ItemId, second!.ItemId);
        Assert.Equal("msg_8", other!.ItemId);
    }

    private static bool IsFlat(string line) =>
        line.Contains(".delta\"", StringComparison.Ordinal)
        || line.Contains("_text.done\"", StringComparison.Ordinal)
        || line.Contains("arguments.done\"", StringComparison.Ordinal);

    private static CodexStreamEvent? Serialized(byte[] data)
    {
        try
        {
            return JsonSerializer.Deserialize(data, CodexJsonContext.Default.CodexStreamEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
