using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CodexProxy.IO;

/// <summary>
/// Whether a client's escaped string bytes are exactly what <see cref="Utf8JsonWriter"/> writes for the same value
/// with a given encoder. Nothing the encoder would escape appears unescaped, and every escape is the one the writer
/// itself uses for that character (<c>\n</c>, <c>\"</c>, <c>\u001B</c> …). An escaped non-ASCII character is taken as
/// not alike, whatever its spelling: that only costs a decode.
/// </summary>
internal static class JsonEscaping
{
    /// <summary>Per encoder, what the writer writes for each ASCII character (the writer's default in its own field).</summary>
    private static readonly ConcurrentDictionary<JavaScriptEncoder, byte[][]> AsciiForms = new();

    private static readonly byte[][] DefaultAsciiForms = WriterForms(null);

    public static bool IsWrittenAlike(ReadOnlySpan<byte> escaped, JavaScriptEncoder? encoder)
    {
        var forms = encoder is null ? DefaultAsciiForms : AsciiForms.GetOrAdd(encoder, WriterForms);
        var plainCheck = encoder ?? JavaScriptEncoder.Default;
        while (true)
        {
            var escape = escaped.IndexOf((byte)'\\');
            var plain = escape < 0 ? escaped : escaped[..escape];
            if (plainCheck.FindFirstCharacterToEncodeUtf8(plain) >= 0)
            {
                return false;
            }

            if (escape < 0)
            {
                return true;
            }

            escaped = escaped[escape..];
            var length = escaped[1] == (byte)'u' ? 6 : 2;
            var unit = length == 6 ? HexUnit(escaped.Slice(2, 4)) : Unescaped(escaped[1]);
            if (unit >= 0x80 || !escaped[..length].SequenceEqual(forms[unit]))
            {
                return false;
            }

            escaped = escaped[length..];
        }
    }

    private static int HexUnit(ReadOnlySpan<byte> hex) => Utf8Parser.TryParse(hex, out ushort unit, out _, 'X') ? unit : int.MaxValue;

    private static int Unescaped(byte shortEscape) => shortEscape switch
    {
        (byte)'b' => '\b',
        (byte)'f' => '\f',
        (byte)'n' => '\n',
        (byte)'r' => '\r',
        (byte)'t' => '\t',
        _ => shortEscape, // \" \\ \/
    };

    private static byte[][] WriterForms(JavaScriptEncoder? encoder)
    {
        var forms = new byte[0x80][];
        var buffer = new ArrayBufferWriter<byte>(16);
        for (var c = 0; c < forms.Length; c++)
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
            {
                writer.WriteStringValue(((char)c).ToString());
            }

            forms[c] = buffer.WrittenSpan[1..^1].ToArray();
        }

        return forms;
    }
}
