using System.Buffers;

namespace CodexProxy.Hosting;

/// <summary>
/// Where the members of a JSON object lie, found by a structural scan that does not validate: vectorised from one
/// quote, bracket or brace to the next, where <see cref="System.Text.Json.Utf8JsonReader"/> checks every byte of every
/// string (a Claude Code system prompt or tool description is tens of kilobytes of escaped text). Only for locating
/// values whose bytes are then compared with bytes that did parse; anything the scan does not expect gives null, and
/// the validating parse says what is wrong.
/// </summary>
internal static class TopLevelMembers
{
    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"[]{}"u8);
    private static readonly SearchValues<byte> ScalarEnd = SearchValues.Create(",}] \t\r\n"u8);

    /// <summary>For each of <paramref name="names"/> (spelled without escapes), where its value is; null for a name
    /// the object does not have, or has more than once. Null altogether when the body is not an object the scan can
    /// follow.</summary>
    public static Range?[]? ValuesOf(ReadOnlySpan<byte> body, IReadOnlyList<byte[]> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var at = SkipWhitespace(body, 0);
        if (at >= body.Length || body[at] != (byte)'{')
        {
            return null;
        }

        var found = new Range?[names.Count];
        var repeated = new bool[names.Count];
        at = SkipWhitespace(body, at + 1);
        if (at < body.Length && body[at] == (byte)'}')
        {
            return found;
        }

        while (at < body.Length && body[at] == (byte)'"')
        {
            var nameEnd = StringEndAfter(body, at);
            if (nameEnd < 0)
            {
                return null;
            }

            var name = IndexOf(names, body[(at + 1)..(nameEnd - 1)]);
            at = SkipWhitespace(body, nameEnd);
            if (at >= body.Length || body[at] != (byte)':')
            {
                return null;
            }

            var valueStart = SkipWhitespace(body, at + 1);
            var valueEnd = ValueEndAfter(body, valueStart);
            if (valueEnd < 0)
            {
                return null;
            }

            if (name >= 0)
            {
                repeated[name] = found[name] is not null;
                found[name] = valueStart..valueEnd;
            }

            at = SkipWhitespace(body, valueEnd);
            if (at < body.Length && body[at] == (byte)'}')
            {
                for (var i = 0; i < found.Length; i++)
                {
                    found[i] = repeated[i] ? null : found[i];
                }

                return found;
            }

            if (at >= body.Length || body[at] != (byte)',')
            {
                return null;
            }

            at = SkipWhitespace(body, at + 1);
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<byte[]> names, ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The offset just past the value starting at <paramref name="start"/>, or -1.</summary>
    private static int ValueEndAfter(ReadOnlySpan<byte> body, int start)
    {
        if (start >= body.Length)
        {
            return -1;
        }

        switch (body[start])
        {
            case (byte)'"':
                return StringEndAfter(body, start);
            case (byte)'{' or (byte)'[':
                return ContainerEndAfter(body, start);
            default:
                var end = body[start..].IndexOfAny(ScalarEnd);
                return end <= 0 ? -1 : start + end;
        }
    }

    private static int ContainerEndAfter(ReadOnlySpan<byte> body, int start)
    {
        var depth = 0;
        var at = start;
        while (true)
        {
            var next = body[at..].IndexOfAny(Structure);
            if (next < 0)
            {
                return -1;
            }

            at += next;
            switch (body[at])
            {
                case (byte)'"':
                    at = StringEndAfter(body, at);
                    if (at < 0)
                    {
                        return -1;
                    }

                    continue;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    if (--depth == 0)
                    {
                        return at + 1;
                    }

                    break;
            }

            at++;
        }
    }

    /// <summary>The offset just past the closing quote of the string whose opening quote is at <paramref name="quote"/>.
    /// Only quotes stop the search (a prompt has an escaped line break on every line): a quote after an odd run of
    /// backslashes is escaped, as reading the escapes one by one would find.</summary>
    private static int StringEndAfter(ReadOnlySpan<byte> body, int quote)
    {
        var at = quote + 1;
        while (true)
        {
            var next = body[at..].IndexOf((byte)'"');
            if (next < 0)
            {
                return -1;
            }

            at += next;
            var backslashes = 0;
            while (at - backslashes - 1 > quote && body[at - backslashes - 1] == (byte)'\\')
            {
                backslashes++;
            }

            if (backslashes % 2 == 0)
            {
                return at + 1;
            }

            at++;
        }
    }

    /// <summary>The offset of the first byte from <paramref name="from"/> on that is not JSON white space, or the
    /// body's length.</summary>
    public static int SkipWhitespace(ReadOnlySpan<byte> body, int from)
    {
        var offset = from >= body.Length ? -1 : body[from..].IndexOfAnyExcept(" \t\r\n"u8);
        return offset < 0 ? body.Length : from + offset;
    }
}
