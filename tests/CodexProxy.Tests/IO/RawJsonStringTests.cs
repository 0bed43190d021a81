using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.IO;
using Xunit;

namespace CodexProxy.Tests.IO;

public sealed class RawJsonStringTests
{
    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    [Theory]
    [InlineData("\"line\\none\\ttab\"", "line\none\ttab")]
    [InlineData("\"say \\\"hi\\\" \\\\ done\"", "say \"hi\" \\ done")]
    [InlineData("\"caf\\u00e9 caf\\u00E9 café\"", "café café café")]
    [InlineData("\"\\ud83d\\ude00 and \\uD83D\\uDE00 and 😀\"", "😀 and 😀 and 😀")]
    [InlineData("\"\\/ \\b\\f\\r \\u001b\"", "/ \b\f\r \u001b")]
    [InlineData("\"\"", "")]
    public void ReadThenWrite_KeepsTheClientBytes_AndDecodesToTheValue(string json, string value)
    {
        var token = Encoding.UTF8.GetBytes(json);

        var text = ReadToken(token);

        Assert.True(text.IsRaw);
        Assert.Equal(token, text.Token.ToArray());
        Assert.Equal(token, Write(text.WriteTo, Relaxed));
        Assert.Equal(value, text.Decode());
        Assert.Equal(value.Length == 0, text.IsEmpty);
    }

    [Theory]
    [InlineData("\"a\\ud800b\"")] // high surrogate without its low one
    [InlineData("\"a\\udc00b\"")] // low surrogate alone
    [InlineData("\"\\ud800\\ud800\"")] // two highs
    [InlineData("\"\\ud83d\\n\\ude00\"")] // a pair split by another escape
    [InlineData("\"\\ud83d\"")] // a high surrogate at the end
    public void LoneSurrogateEscape_TheReaderAccepts_IsRefusedAsGetStringRefusesIt(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = Assert.Throws<InvalidOperationException>(() => ReadString(bytes));

        var actual = Assert.Throws<InvalidOperationException>(() => ReadToken(bytes));

        Assert.Equal(expected.Message, actual.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xFF, 0x22 })] // not UTF-8
    [InlineData(new byte[] { 0x22, 0xC0, 0x80, 0x22 })] // overlong
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })] // a surrogate encoded in UTF-8
    public void InvalidUtf8_IsRefusedAsGetStringRefusesIt(byte[] json)
    {
        var expected = Assert.Throws<InvalidOperationException>(() => ReadString(json));

        var actual = Assert.Throws<InvalidOperationException>(() => ReadToken(json));

        Assert.Equal(expected.Message, actual.Message);
        Assert.IsType<DecoderFallbackException>(actual.InnerException);
    }

    [Fact]
    public void NotAString_IsRefusedAsGetStringRefusesIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ReadToken("42"u8.ToArray()));

        Assert.Contains("Number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_KeepsOnlyTheBytes_AndDecodeMakesAStringOnlyWhenAsked()
    {
        var token = Encoding.UTF8.GetBytes("\"" + string.Concat(Enumerable.Repeat("line of text\\n", 40_000)) + "\"");
        var reader = new Utf8JsonReader(token);
        reader.Read();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var text = RawJsonString.Read(ref reader);
        var read = GC.GetAllocatedBytesForCurrentThread() - before;
        var decoded = text.Decode();
        var decodedBytes = GC.GetAllocatedBytesForCurrentThread() - before - read;

        // The token's bytes (560 KB) and a small object; a UTF-16 string of the value would be another ~1 MB.
        Assert.InRange(read, token.Length, token.Length + 1024);
        Assert.True(decodedBytes >= decoded.Length * 2, "the string is made by Decode"); // (plus a pooled unescape buffer)
        Assert.Equal(520_000, decoded.Length);
        Assert.NotSame(decoded, text.Decode());
    }

    [Fact]
    public void Equality_IsByValue_WhicheverFormAndSpellingEachSideHas()
    {
        var escaped = ReadToken("\"caf\\u00e9\\n\""u8.ToArray());
        var plain = ReadToken(Encoding.UTF8.GetBytes("\"café\\n\""));
        var upper = ReadToken("\"caf\\u00E9\\u000A\""u8.ToArray());
        RawJsonString asString = "café\n";

        Assert.Equal(escaped, plain);
        Assert.Equal(plain, upper);
        Assert.Equal(asString, escaped);
        Assert.Equal(escaped, asString);
        Assert.True(escaped == asString);
        Assert.Equal(asString.GetHashCode(), escaped.GetHashCode());
        Assert.Equal(plain.GetHashCode(), upper.GetHashCode());
        Assert.NotEqual(escaped, ReadToken("\"caf\\u00e9\\r\""u8.ToArray()));
        Assert.NotEqual(ReadToken("\"abc\""u8.ToArray()), ReadToken("\"abd\""u8.ToArray()));
        Assert.NotEqual<RawJsonString>("abc", ReadToken("\"abd\""u8.ToArray()));
        Assert.False(escaped.Equals(null));
    }

    [Fact]
    public void StringForm_IsWrittenByTheWritersEncoder()
    {
        RawJsonString text = "é \"q\"\n";

        Assert.False(text.IsRaw);
        Assert.Equal(Write(w => w.WriteStringValue("é \"q\"\n"), Relaxed), Write(text.WriteTo, Relaxed));
        Assert.Equal("é \"q\"\n", text.Decode());
    }

    [Fact]
    public void Concat_JoinsRawAndStringParts_AsTheJoinedValue()
    {
        var first = ReadToken("\"tab\\there\""u8.ToArray());
        var second = ReadToken(Encoding.UTF8.GetBytes("\"é \\u00e9\""));

        var joined = RawJsonString.Concat(["[error] ", first, "\n", second]);

        Assert.True(joined.IsRaw);
        Assert.Equal("[error] tab\there\né é", joined.Decode());
        Assert.Equal("\"[error] tab\\there\\né \\u00e9\""u8.ToArray().Length, joined.Token.Length);
        Assert.Same(first, RawJsonString.Concat([first]));
        Assert.False(RawJsonString.Concat(["a", "b"]).IsRaw);
        Assert.Equal("ab", RawJsonString.Concat(["a", "b"]).Decode());
    }

    [Fact]
    public void Join_PutsTheSeparatorBetweenParts_AsBytesWhenAnythingIsRaw()
    {
        var first = ReadToken("\"a\\tb\""u8.ToArray());
        var separator = RawJsonString.Escaped("\n\n");

        Assert.True(separator.IsRaw);
        Assert.Equal("a\tb\n\nc\n\na\tb", RawJsonString.Join(separator, [first, "c", first]).Decode());
        Assert.Equal("\"a\\tb\\n\\nc\\n\\na\\tb\"", Encoding.UTF8.GetString(RawJsonString.Join(separator, [first, "c", first]).Token));
        Assert.Equal("x, y", RawJsonString.Join(", ", ["x", "y"]).Decode());
        Assert.False(RawJsonString.Join(", ", ["x", "y"]).IsRaw);
        Assert.Same(first, RawJsonString.Join(separator, [first]));
        Assert.Same(RawJsonString.Empty, RawJsonString.Join(separator, []));
    }

    [Fact]
    public void IsWhiteSpace_IsWhatIsNullOrWhiteSpaceSays_ForRandomTextInFourSpellings()
    {
        var random = new Random(16);
        string[] alphabet = [" ", "\n", "\t", "\u000b", "\u001c", "\u00a0", "\u2028", "\u3000", "\ufeff", "n", "u", "0", "a", "é"];
        for (var i = 0; i < 500; i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => alphabet[random.Next(random.Next(2) == 0 ? 9 : alphabet.Length)]));
            byte[][] spellings = [Write(w => w.WriteStringValue(value), null), Write(w => w.WriteStringValue(value), Relaxed), JavaScriptSpelling(value), AllEscapedSpelling(value)];
            foreach (var spelling in spellings)
            {
                Assert.Equal(string.IsNullOrWhiteSpace(value), ReadToken(spelling).IsWhiteSpace());
            }

            Assert.Equal(string.IsNullOrWhiteSpace(value), RawJsonString.FromString(value).IsWhiteSpace());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteNormalized_WritesWhatWriteStringValueWrites_ForAnySpelling(bool relaxed)
    {
        var encoder = relaxed ? Relaxed : null;
        string[] spellings =
        [
            "\"plain ascii\"", "\"line\\nnext\\ttab \\\"q\\\" \\\\\"", "\"\\u000a\\u0009\"", "\"\\u001b[0m \\u001B[0m\"",
            "\"\\/path\"", "\"caf\\u00e9 café\"", "\"😀 \\ud83d\\ude00 \\uD83D\\uDE00\"", "\"<a href='x'>&amp;</a> +`\"",
            "\"\u007f \\u007f \\u007F\"", "\"\u2028 \\u2028\"", "\"한국어 \\ud55c\"", "\"\\b\\f\\r\\u0008\\u000C\"", "\"\"",
        ];

        foreach (var spelling in spellings)
        {
            var text = ReadToken(Encoding.UTF8.GetBytes(spelling));
            var expected = Write(w => w.WriteStringValue(text.Decode()), encoder);

            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(Write(text.WriteNormalized, encoder)));
        }
    }

    [Fact]
    public void WriteNormalized_OfRandomTextInFourSpellings_IsWhatWriteStringValueWrites()
    {
        var random = new Random(15);
        string[] alphabet = ["a", "Z", " ", "\n", "\t", "\r", "\"", "\\", "/", "<", "&", "'", "+", "`", "\u001b", "\u007f", "é", "한", "→", "\u2028", "\u00a0", "😀", "\ufeff"];
        for (var i = 0; i < 300; i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            byte[][] spellings = [Write(w => w.WriteStringValue(value), null), Write(w => w.WriteStringValue(value), Relaxed), JavaScriptSpelling(value), AllEscapedSpelling(value)];
            foreach (var spelling in spellings)
            {
                var text = ReadToken(spelling);
                Assert.Equal(value, text.Decode());
                foreach (var encoder in new[] { null, Relaxed })
                {
                    Assert.Equal(Write(w => w.WriteStringValue(value), encoder), Write(text.WriteNormalized, encoder));
                }
            }
        }
    }

    [Fact]
    public void WriteNormalized_OfLongTextAgainAndWithAnotherEncoder_IsWhatWriteStringValueWrites()
    {
        var alike = string.Concat(Enumerable.Repeat("""plain \"quoted\" line\n""", 80));
        var unlike = string.Concat(Enumerable.Repeat("""caf\u00e9 \u001b[0m """, 80));
        foreach (var spelling in new[] { alike, unlike })
        {
            var text = ReadToken(Encoding.UTF8.GetBytes("\"" + spelling + "\""));
            foreach (var encoder in new[] { Relaxed, Relaxed, null, Relaxed, null })
            {
                Assert.Equal(Write(w => w.WriteStringValue(text.Decode()), encoder), Write(text.WriteNormalized, encoder));
            }
        }
    }

    [Fact]
    public void WriteNormalized_OfLongTextSpelledOtherwise_DecodesItOnce()
    {
        // As a client that escapes every non-ASCII character sends a system prompt, turn after turn.
        var text = ReadToken(Encoding.UTF8.GetBytes("\"" + string.Concat(Enumerable.Repeat("caf\\u00e9 ", 400)) + "\""));
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Relaxed });
        text.WriteNormalized(writer);
        writer.Flush();
        var first = buffer.WrittenSpan.ToArray();
        writer.Reset();
        buffer.ResetWrittenCount();

        var before = GC.GetAllocatedBytesForCurrentThread();
        text.WriteNormalized(writer);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        writer.Flush();

        Assert.InRange(allocated, 0, 512); // decoding it again would allocate its 2,000 characters as a string
        Assert.Equal(first, buffer.WrittenSpan.ToArray());
        Assert.Equal(Write(w => w.WriteStringValue(text.Decode()), Relaxed), first);
    }

    /// <summary>As JSON.stringify writes a string: short escapes, other control characters as lowercase \u00xx.</summary>
    private static byte[] JavaScriptSpelling(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return Encoding.UTF8.GetBytes(builder.Append('"').ToString());
    }

    /// <summary>Every UTF-16 unit as a lowercase \uxxxx escape.</summary>
    private static byte[] AllEscapedSpelling(string value) =>
        Encoding.UTF8.GetBytes("\"" + string.Concat(value.Select(c => $"\\u{(int)c:x4}")) + "\"");

    [Fact]
    public void WriteNormalized_ReusesTheClientBytes_WhenTheyAreWhatTheWriterWrites()
    {
        var token = Encoding.UTF8.GetBytes("\"1\\tline \\\"é\\\"\\n\\u001B\"");

        Assert.True(JsonEscaping.IsWrittenAlike(token.AsSpan(1, token.Length - 2), Relaxed));
        Assert.False(JsonEscaping.IsWrittenAlike(token.AsSpan(1, token.Length - 2), encoder: null)); // é is escaped there
        Assert.False(JsonEscaping.IsWrittenAlike("\\u001b"u8, Relaxed));
        Assert.False(JsonEscaping.IsWrittenAlike("\\u00e9"u8, Relaxed));
        Assert.False(JsonEscaping.IsWrittenAlike(Encoding.UTF8.GetBytes("😀"), Relaxed));
    }

    [Fact]
    public void SerializerRoundTrip_ThroughTheTypeConverter_KeepsTheBytes()
    {
        var json = "{\"text\":\"a\\u00e9\\n\"}"u8.ToArray();

        var holder = JsonSerializer.Deserialize(json, RawJsonStringTestJsonContext.Default.TextHolder)!;

        Assert.Equal("aé\n", holder.Text!.Decode());
        Assert.Equal(json, JsonSerializer.SerializeToUtf8Bytes(holder, RawJsonStringTestJsonContext.Default.TextHolder));
    }

    [Fact]
    public void NormalizingConverterInTheOptions_TakesPrecedenceOverTheTypeConverter()
    {
        var context = new RawJsonStringTestJsonContext(new JsonSerializerOptions { Converters = { new RawJsonStringNormalizingConverter() } });
        var holder = new TextHolder { Text = ReadToken("\"a\\u00e9\""u8.ToArray()) };

        Assert.Equal("{\"text\":\"a\\u00E9\"}", Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(holder, context.TextHolder)));
    }

    private static RawJsonString ReadToken(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return RawJsonString.Read(ref reader);
    }

    private static string? ReadString(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return reader.GetString();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write, JavaScriptEncoder? encoder)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

internal sealed record TextHolder
{
    [JsonPropertyName("text")] public RawJsonString? Text { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TextHolder))]
internal sealed partial class RawJsonStringTestJsonContext : JsonSerializerContext;
