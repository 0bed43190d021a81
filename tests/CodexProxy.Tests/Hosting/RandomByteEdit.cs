namespace CodexProxy.Tests.Hosting;

/// <summary>One byte of JSON structure, whitespace or text changed, inserted or removed at a given offset: the
/// edits a parser that reuses earlier work must judge exactly as a full parse does.</summary>
internal static class RandomByteEdit
{
    private const string Bytes = "{}[],:\" \\0a1\nn";

    public static byte[] At(byte[] body, int at, Random random)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(random);
        var bytes = body.ToList();
        var replacement = (byte)Bytes[random.Next(Bytes.Length)];
        switch (random.Next(3))
        {
            case 0: bytes[at] = replacement; break;
            case 1: bytes.Insert(at, replacement); break;
            default: bytes.RemoveAt(at); break;
        }

        return [.. bytes];
    }
}
