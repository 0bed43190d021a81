namespace CodexProxy.Translation.Tokens;

/// <summary>Counts the page objects of a PDF (<c>/Type /Page</c>, not <c>/Pages</c>) without parsing it. Compressed
/// object streams can hide pages; the caller treats 0 as 1.</summary>
internal static class PdfPages
{
    public static int Count(ReadOnlySpan<byte> pdf)
    {
        var count = 0;
        var rest = pdf;
        while (true)
        {
            var at = rest.IndexOf("/Type"u8);
            if (at < 0)
            {
                return count;
            }

            rest = rest[(at + 5)..];
            var value = rest.TrimStart(" \r\n\t"u8);
            if (value.StartsWith("/Page"u8) && (value.Length == 5 || !char.IsAsciiLetter((char)value[5])))
            {
                count++;
            }
        }
    }
}
