using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CodexProxy.Anthropic;
using Xunit;

namespace CodexProxy.Tests.Anthropic;

public sealed class AnthropicSseFormatterTests
{
    [Fact]
    public void WriteEvent_WritesEventNameJsonAndBlankLine()
    {
        var buffer = new ArrayBufferWriter<byte>();

        AnthropicSseFormatter.WriteEvent(buffer, new ContentBlockDeltaEvent(2, new TextDelta("안녕 <b>\"hi\"</b>\n")));

        Assert.Equal(
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"안녕 <b>\\\"hi\\\"</b>\\n\"}}\n\n",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void WriteEvent_AppendsConsecutiveEventsToTheSameBuffer()
    {
        var buffer = new ArrayBufferWriter<byte>();

        AnthropicSseFormatter.WriteEvent(buffer, new MessageStopEvent());
        AnthropicSseFormatter.WriteEvent(buffer, PingEvent.Instance);

        Assert.Equal(
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("thinking")]
    [InlineData("input_json")]
    [InlineData("signature")]
    public void DeltaEvents_AreWrittenExactlyAsTheSerializerWouldWriteThem(string kind)
    {
        BlockDelta delta = kind switch
        {
            "text" => new TextDelta("안녕 <b>\"hi\"</b>\n\u0001 😀"),
            "thinking" => new ThinkingDelta("**Plan** & go"),
            "input_json" => new InputJsonDelta("{\"command\":\"ls\"}"),
            _ => new SignatureDelta("cxp1.rs_1.gAAAA+/="),
        };
        var buffer = new ArrayBufferWriter<byte>();
        var streamEvent = new ContentBlockDeltaEvent(3, delta);

        AnthropicSseFormatter.WriteEvent(buffer, streamEvent);

        var options = new JsonSerializerOptions(AnthropicJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var serialized = JsonSerializer.Serialize(streamEvent, new AnthropicJsonContext(options).StreamEvent);
        Assert.Equal($"event: content_block_delta\ndata: {serialized}\n\n", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
