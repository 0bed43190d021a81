namespace CodexProxy.Hosting;

/// <summary>Ids for requests (<c>req_…</c>) and messages (<c>msg_…</c>): 96 random bits, hex. They must be unique,
/// not secret, so they come from <see cref="Random.Shared"/> rather than the cryptographic generator, whose per-call
/// cost showed in the request path's profile.</summary>
internal static class ResponseIds
{
    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[12];
        Random.Shared.NextBytes(bytes);
        return string.Concat(prefix, Convert.ToHexStringLower(bytes));
    }
}
