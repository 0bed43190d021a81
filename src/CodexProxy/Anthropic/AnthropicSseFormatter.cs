using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CodexProxy.Anthropic;

/// <summary>Writes Anthropic events in SSE framing: <c>event: {name}\ndata: {json}\n\n</c>.</summary>
internal static class AnthropicSseFormatter
{
    // Relaxed escaping keeps non-ASCII text (e.g. Korean) as UTF-8 instead of \uXXXX; SSE data is never HTML.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? _threadJsonWriter;

    public static void WriteEvent(IBufferWriter<byte> writer, StreamEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);

        writer.Write("event: "u8);
        Encoding.UTF8.GetBytes(e.EventName, writer);
        writer.Write("\ndata: "u8);

        // One writer per thread, re-pointed at each destination: no per-event allocation, no intermediate string.
        var json = _threadJsonWriter ??= new Utf8JsonWriter(writer, WriterOptions);
        json.Reset(writer);
        try
        {
            JsonSerializer.Serialize(json, e, AnthropicJsonContext.Default.StreamEvent);
            json.Flush();
        }
        finally
        {
            // Drop the reference to the caller's buffer.
            json.Reset(Stream.Null);
        }

        writer.Write("\n\n"u8);
    }
}
