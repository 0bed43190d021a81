using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CodexProxy.Anthropic;

/// <summary>Writes one Anthropic event as <c>event: name\ndata: json\n\n</c> straight into a buffer writer.</summary>
internal static class AnthropicSseFormatter
{
    public static void WriteEvent(IBufferWriter<byte> output, StreamEvent streamEvent)
    {
        Write(output, "event: "u8);
        Encoding.UTF8.GetBytes(streamEvent.EventName, output);
        Write(output, "\ndata: "u8);
        using (var json = new Utf8JsonWriter(output))
        {
            JsonSerializer.Serialize(json, streamEvent, AnthropicJsonContext.Default.StreamEvent);
        }

        Write(output, "\n\n"u8);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
