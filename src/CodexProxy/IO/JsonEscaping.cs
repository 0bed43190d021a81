using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CodexProxy.IO;

/// <summary>
/// Checks on the escaped bytes of a JSON string (without its quotes). <see cref="IsWrittenAlike"/>: whether they are
/// exactly what <see cref="Utf8JsonWriter"/> writes for the same value with a given encoder: nothing the encoder would
/// escape appears unescaped, and every escape is the one the writer itself uses for that character (<c>\n</c>,
/// <c>\"</c>, <c>\u001B</c> …). An escaped non-ASCII character is taken as not alike, whatever its spelling: that only
/// costs a decode.
/// </summary>
internal static class JsonEscaping
{
    /// <summary>Per encoder, what the writer writes for each ASCII character, and the bytes a scan must stop at.</summary>
    private static readonly ConcurrentDictionary<JavaScriptEncoder, EncoderForms> Forms = new();

    /// <summary>The writer's own default (a null encoder).</summary>
    private static readonly EncoderForms DefaultForms = EncoderForms.Of(null);

    public static bool IsWrittenAlike(ReadOnlySpan<byte> escaped, JavaScriptEncoder? encoder)
    {
        var forms = encoder is null ? DefaultForms : Forms.GetOrAdd(encoder, EncoderForms.Of);
        while (true)
        {
            // Vectorised to the next escape, non-ASCII byte or ASCII character the encoder escapes.
            var next = escaped.IndexOfAnyExcept(forms.AsciiAsIs);
            if (next < 0)
            {
                return true;
            }

            escaped = escaped[next..];
            if (escaped[0] >= 0x80)
            {
                // A run of non-ASCII text (a word of Korean, an arrow): character by character, against a bitmap.
                do
                {
                    if (Rune.DecodeFromUtf8(escaped, out var rune, out var consumed) != OperationStatus.Done || !forms.WritesAsIs(rune.Value))
                    {
                        return false;
                    }

                    escaped = escaped[consumed..];
                }
                while (!escaped.IsEmpty && escaped[0] >= 0x80);

                continue;
            }

            if (escaped[0] != (byte)'\\')
            {
                return false; // an ASCII character the writer would escape, sent as it is
            }

            var length = escaped[1] == (byte)'u' ? 6 : 2;
            var unit = length == 6 ? HexUnit(escaped.Slice(2, 4)) : Unescaped(escaped[1]);
            if (unit >= 0x80 || !escaped[..length].SequenceEqual(forms.Ascii[unit]))
            {
                return false;
            }

            escaped = escaped[length..];
        }
    }

    /// <summary>Whether every escaped UTF-16 surrogate is a high one directly followed by a low one, which
    /// <see cref="Utf8JsonReader.GetString"/> requires (the reader itself accepts any <c>\uXXXX</c>).</summary>
    public static bool SurrogateEscapesArePaired(ReadOnlySpan<byte> inner)
    {
        var expectLow = false;
        var at = 0;
        while (true)
        {
            var next = inner[at..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return !expectLow;
            }

            at += next;
            if (expectLow && next != 0)
            {
                return false;
            }

            if (inner[at + 1] != (byte)'u')
            {
                if (expectLow)
                {
                    return false;
                }

                at += 2;
                continue;
            }

            if (!Utf8Parser.TryParse(inner.Slice(at + 2, 4), out ushort unit, out _, 'X'))
            {
                return false;
            }

            var isHigh = unit is >= 0xD800 and <= 0xDBFF;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (expectLow != isLow)
            {
                return false;
            }

            expectLow = isHigh;
            at += 6;
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

    /// <param name="BmpAsIs">One bit per BMP character: set when the writer writes it unescaped (every character
    /// beyond the BMP is escaped by the built-in encoders).</param>
    /// <param name="AsciiAsIs">The ASCII bytes the writer writes as they are, but the backslash. Searched for the first
    /// byte that is not one of them: a set of ASCII bytes only takes the fast vectorised path, where the complement
    /// (with every non-ASCII byte in it) searched at a third of the speed.</param>
    private sealed record EncoderForms(byte[][] Ascii, SearchValues<byte> AsciiAsIs, ulong[] BmpAsIs)
    {
        public bool WritesAsIs(int scalar) => scalar <= 0xFFFF && (BmpAsIs[scalar >> 6] & (1UL << scalar)) != 0;

        public static EncoderForms Of(JavaScriptEncoder? encoder)
        {
            var ascii = new byte[0x80][];
            var asIs = new List<byte>();
            var buffer = new ArrayBufferWriter<byte>(16);
            for (var c = 0; c < ascii.Length; c++)
            {
                buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
                {
                    writer.WriteStringValue(((char)c).ToString());
                }

                ascii[c] = buffer.WrittenSpan[1..^1].ToArray();
                if (ascii[c] is [var same] && same == c && c != '\\')
                {
                    asIs.Add((byte)c);
                }
            }

            var bmp = new ulong[0x10000 / 64];
            var check = encoder ?? JavaScriptEncoder.Default;
            for (var c = 0x80; c <= 0xFFFF; c++)
            {
                if (!char.IsSurrogate((char)c) && !check.WillEncode(c))
                {
                    bmp[c >> 6] |= 1UL << c;
                }
            }

            return new EncoderForms(ascii, SearchValues.Create([.. asIs]), bmp);
        }
    }
}
