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

    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("index");
    private static readonly JsonEncodedText DeltaName = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText ThinkingName = JsonEncodedText.Encode("thinking");
    private static readonly JsonEncodedText PartialJsonName = JsonEncodedText.Encode("partial_json");
    private static readonly JsonEncodedText SignatureName = JsonEncodedText.Encode("signature");
    private static readonly JsonEncodedText TextDeltaType = JsonEncodedText.Encode("text_delta");
    private static readonly JsonEncodedText ThinkingDeltaType = JsonEncodedText.Encode("thinking_delta");
    private static readonly JsonEncodedText InputJsonDeltaType = JsonEncodedText.Encode("input_json_delta");
    private static readonly JsonEncodedText SignatureDeltaType = JsonEncodedText.Encode("signature_delta");

    /// <summary>A scratch buffer that grew past this (a large tool call's input) is not kept for the next event.</summary>
    private const int MaxKeptScratchBytes = 64 * 1024;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadJsonWriter;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadScratch;

    /// <summary>Frames the event in a scratch buffer and hands it to <paramref name="writer"/> in one piece: Kestrel's
    /// response writer takes a lock on every <c>GetSpan</c> and <c>Advance</c>, and framing writes five pieces.</summary>
    public static void WriteEvent(IBufferWriter<byte> writer, StreamEvent e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);

        var scratch = _threadScratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        Frame(scratch, e);
        writer.Write(scratch.WrittenSpan);
        if (scratch.Capacity > MaxKeptScratchBytes)
        {
            // The JSON writer still points at the scratch buffer, so it goes too.
            _threadScratch = null;
            _threadJsonWriter = null;
        }
    }

    private static void Frame(ArrayBufferWriter<byte> writer, StreamEvent e)
    {
        writer.Write("event: "u8);
        Encoding.UTF8.GetBytes(e.EventName, writer);
        writer.Write("\ndata: "u8);

        // One writer per thread over the thread's scratch buffer: no per-event allocation, no intermediate string.
        // (Pointing it elsewhere between events would cost one: Reset(Stream) allocates a buffer of its own.)
        var json = _threadJsonWriter ??= new Utf8JsonWriter(writer, WriterOptions);
        json.Reset(writer);
        if (e is ContentBlockDeltaEvent delta)
        {
            WriteDelta(json, delta);
        }
        else
        {
            JsonSerializer.Serialize(json, e, AnthropicJsonContext.Default.StreamEvent);
        }

        json.Flush();

        writer.Write("\n\n"u8);
    }

    /// <summary>Deltas are nearly every event of a stream; written by hand they skip the serializer's polymorphic
    /// dispatch. The bytes are the serializer's (a test compares them).</summary>
    private static void WriteDelta(Utf8JsonWriter json, ContentBlockDeltaEvent e)
    {
        json.WriteStartObject();
        json.WriteString(TypeName, "content_block_delta"u8);
        json.WriteNumber(IndexName, e.Index);
        json.WriteStartObject(DeltaName);
        var (type, name, value) = e.Delta switch
        {
            TextDelta text => (TextDeltaType, TextName, text.Text),
            ThinkingDelta thinking => (ThinkingDeltaType, ThinkingName, thinking.Thinking),
            InputJsonDelta input => (InputJsonDeltaType, PartialJsonName, input.PartialJson),
            SignatureDelta signature => (SignatureDeltaType, SignatureName, signature.Signature),
            _ => throw new NotSupportedException($"Unknown delta {e.Delta.GetType().Name}."),
        };
        json.WriteString(TypeName, type);
        json.WriteString(name, value);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
