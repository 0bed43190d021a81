namespace CodexProxy.Codex;

/// <summary>Version-4 UUIDs for turn and thread ids. They must be unique, not secret, so they come from
/// <see cref="Random.Shared"/>: <see cref="Guid.NewGuid"/> reads the kernel's random source on every call, a system
/// call per id that showed in the request path's profile (bench/README.md).</summary>
internal static class RandomUuid
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // the RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
