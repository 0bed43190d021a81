namespace CodexProxy.IO;

/// <summary>Joining texts: a client's raw text is joined as bytes, without decoding it.</summary>
internal sealed partial class RawJsonString
{
    /// <summary>The parts one after another. A single part is returned as it is; raw parts are joined as bytes.</summary>
    public static RawJsonString Concat(IReadOnlyList<RawJsonString> parts) => Join(Empty, parts);

    /// <summary>The parts with <paramref name="separator"/> between them. A single part is returned as it is; when the
    /// separator or any part is raw, the result is joined as bytes.</summary>
    public static RawJsonString Join(RawJsonString separator, IReadOnlyList<RawJsonString> parts)
    {
        ArgumentNullException.ThrowIfNull(separator);
        ArgumentNullException.ThrowIfNull(parts);
        switch (parts.Count)
        {
            case 0:
                return Empty;
            case 1:
                return parts[0];
        }

        if (!separator.IsRaw && !parts.Any(part => part.IsRaw))
        {
            return FromString(string.Join(separator._value, parts.Select(part => part._value)));
        }

        var between = separator.IsEmpty ? ReadOnlySpan<byte>.Empty : separator.Inner();
        var tokens = new byte[parts.Count][];
        var length = 2 + (between.Length * (parts.Count - 1));
        for (var i = 0; i < parts.Count; i++)
        {
            tokens[i] = parts[i]._token ?? EscapedToken(parts[i]._value!);
            length = checked(length + tokens[i].Length - 2);
        }

        var joined = new byte[length];
        joined[0] = (byte)'"';
        joined[^1] = (byte)'"';
        var at = 1;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i > 0)
            {
                between.CopyTo(joined.AsSpan(at));
                at += between.Length;
            }

            tokens[i].AsSpan(1, tokens[i].Length - 2).CopyTo(joined.AsSpan(at));
            at += tokens[i].Length - 2;
        }

        return new RawJsonString(joined);
    }
}
