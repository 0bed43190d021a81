using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace CodexProxy.IO;

/// <summary>
/// A JSON string value, held either as a .NET <see cref="string"/> or as the escaped UTF-8 bytes of the JSON string
/// token exactly as a client sent it, quotes included. A client's text (a Claude Code history re-sends megabytes of
/// it every turn) is copied through to the upstream body untouched, so keeping its bytes saves unescaping and
/// transcoding it to UTF-16 on the way in and escaping it again on the way out, and holds half the memory. The bytes
/// are the reader's own (validated as the string converter would), copied out of the request buffer, which goes back
/// to its pool long before a retry or a background token count is done with the mapped request.
/// <see cref="Decode"/> makes a <see cref="string"/> only when one is needed; equality is by value, whichever form
/// each side holds.
/// </summary>
[JsonConverter(typeof(RawJsonStringConverter))]
internal sealed partial class RawJsonString : IEquatable<RawJsonString>
{
    public static readonly RawJsonString Empty = new(string.Empty);

    /// <summary>Every byte that white space can be spelled with inside a JSON string: a space, an escape (<c>\n</c>,
    /// <c>\u2028</c>), or a byte of a non-ASCII character. Other white space must be escaped in JSON.</summary>
    private static readonly SearchValues<byte> WhiteSpaceSpellings = SearchValues.Create(
        [.. " \\bfnrtu0123456789abcdefABCDEF"u8, .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    private readonly string? _value;

    /// <summary>Escaped UTF-8 with the quotes: a complete JSON string token.</summary>
    private readonly byte[]? _token;

    /// <summary>What <see cref="WriteNormalized"/> last wrote for long text, with the encoder it was for: instructions
    /// and tool descriptions, held once and written normalised every turn, are checked once, and decoded and escaped
    /// again once when the client spelled them otherwise (a client that escapes every non-ASCII character).</summary>
    private NormalizedSpelling? _normalized;

    /// <summary>Shorter text is checked (and written) again rather than given a remembered spelling.</summary>
    private const int RememberedSpellingBytes = 1024;

    private RawJsonString(string value) => _value = value;

    private RawJsonString(byte[] token) => _token = token;

    /// <summary>Whether the value is held as the client's bytes rather than as a <see cref="string"/>.</summary>
    public bool IsRaw => _token is not null;

    public bool IsEmpty => _token is null ? _value!.Length == 0 : _token.Length == 2;

    /// <summary>The JSON token as it will be written: quotes included, escaped. Raw form only; empty otherwise.</summary>
    public ReadOnlySpan<byte> Token => _token;

    [return: NotNullIfNotNull(nameof(value))]
    public static implicit operator RawJsonString?(string? value) => value is null ? null : FromString(value);

    public static bool operator ==(RawJsonString? left, RawJsonString? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(RawJsonString? left, RawJsonString? right) => !(left == right);

    public static RawJsonString FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 0 ? Empty : new RawJsonString(value);
    }

    public static bool IsNullOrEmpty([NotNullWhen(false)] RawJsonString? value) => value is null || value.IsEmpty;

    /// <summary>The value held as its escaped token from the start, for a constant that is joined to a client's
    /// raw text over and over (a separator, a prefix): joining then copies bytes and escapes nothing.</summary>
    public static RawJsonString Escaped(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 0 ? Empty : new RawJsonString(EscapedToken(value));
    }

    /// <summary>
    /// Reads the current string token as its escaped bytes. Anything <see cref="Utf8JsonReader.GetString"/> would
    /// refuse (another token type, bytes that are not UTF-8, an escaped surrogate without its pair) is refused the same
    /// way, by calling it: the errors a client sees stay exactly what the string converter gave.
    /// </summary>
    public static RawJsonString Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            _ = reader.GetString();
            throw new JsonException($"Expected a string, not {reader.TokenType}.");
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var token = new byte[length + 2];
        token[0] = (byte)'"';
        token[^1] = (byte)'"';
        var inner = token.AsSpan(1, length);
        if (reader.HasValueSequence)
        {
            reader.ValueSequence.CopyTo(inner);
        }
        else
        {
            reader.ValueSpan.CopyTo(inner);
        }

        if (!Utf8.IsValid(inner) || (reader.ValueIsEscaped && inner.IndexOf("\\u"u8) >= 0 && !JsonEscaping.SurrogateEscapesArePaired(inner)))
        {
            _ = reader.GetString();
            throw new JsonException("The string is not valid UTF-8 or UTF-16.");
        }

        return new RawJsonString(token);
    }

    /// <summary>The value as a <see cref="string"/>: a new one each call for the raw form (nothing is cached, so a
    /// caller that needs it twice keeps it).</summary>
    public string Decode()
    {
        if (_token is null)
        {
            return _value!;
        }

        var reader = new Utf8JsonReader(_token);
        reader.Read();
        return reader.GetString()!;
    }

    public override string ToString() => Decode();

    /// <summary>Writes the value: the client's bytes as they came, or the string through the writer's encoder.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_token is null)
        {
            writer.WriteStringValue(_value);
        }
        else
        {
            // The reader validated the token; the writer need not scan megabytes again.
            writer.WriteRawValue(_token, skipInputValidation: true);
        }
    }

    /// <summary>Writes exactly the bytes <see cref="Utf8JsonWriter.WriteStringValue(string)"/> writes for the value
    /// with this writer's encoder, so that a fingerprint of the output does not depend on how a client escaped its
    /// text. The client's bytes are reused when they are already those bytes (the usual case), else decoded; long text
    /// keeps what was written for the encoder.</summary>
    public void WriteNormalized(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_token is null)
        {
            writer.WriteStringValue(_value);
            return;
        }

        var encoder = writer.Options.Encoder;
        if (_normalized is { } known && ReferenceEquals(known.Encoder, encoder))
        {
            writer.WriteRawValue(known.Token ?? _token, skipInputValidation: true);
            return;
        }

        var alike = JsonEscaping.IsWrittenAlike(_token.AsSpan(1, _token.Length - 2), encoder);
        if (_token.Length >= RememberedSpellingBytes)
        {
            var spelling = new NormalizedSpelling(encoder, alike ? null : EscapedToken(Decode(), encoder));
            _normalized = spelling;
            writer.WriteRawValue(spelling.Token ?? _token, skipInputValidation: true);
        }
        else if (alike)
        {
            writer.WriteRawValue(_token, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(Decode());
        }
    }

    public bool Equals(RawJsonString? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null)
        {
            return false;
        }

        if (_token is not null && other._token is not null)
        {
            if (_token.AsSpan().SequenceEqual(other._token))
            {
                return true;
            }

            // Unescaped UTF-8 spells each value one way only; escapes are where two spellings can meet.
            if (!HasEscapes(_token) && !HasEscapes(other._token))
            {
                return false;
            }
        }

        return string.Equals(Decode(), other.Decode(), StringComparison.Ordinal);
    }

    public override bool Equals(object? obj) => Equals(obj as RawJsonString);

    /// <summary>A hash of the value's UTF-8 bytes, which a raw token without escapes already is.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        if (_token is not null && !HasEscapes(_token))
        {
            hash.AddBytes(_token.AsSpan(1, _token.Length - 2));
        }
        else
        {
            hash.AddBytes(Encoding.UTF8.GetBytes(Decode()));
        }

        return hash.ToHashCode();
    }

    /// <summary>Whether the value is empty or only white space, as <see cref="string.IsNullOrWhiteSpace"/> says. A raw
    /// token is decoded only when every byte in it could spell white space (a prompt's first letter rules that out).</summary>
    public bool IsWhiteSpace() =>
        _token is null ? string.IsNullOrWhiteSpace(_value) : Inner().IndexOfAnyExcept(WhiteSpaceSpellings) < 0 && string.IsNullOrWhiteSpace(Decode());

    private ReadOnlySpan<byte> Inner() => _token is null ? EscapedToken(_value!).AsSpan()[1..^1] : _token.AsSpan(1, _token.Length - 2);

    private static bool HasEscapes(byte[] token) => token.AsSpan(1, token.Length - 2).Contains((byte)'\\');

    private static byte[] EscapedToken(string value) => EscapedToken(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <param name="encoder">Null for the writer's default, as in <see cref="JsonWriterOptions.Encoder"/>.</param>
    private static byte[] EscapedToken(string value, JavaScriptEncoder? encoder)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStringValue(value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The token as <see cref="Encoder"/> writes the value; null when it is the client's own.</summary>
    private sealed record NormalizedSpelling(JavaScriptEncoder? Encoder, byte[]? Token);
}
