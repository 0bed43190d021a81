using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using CodexProxy.Codex;
using CodexProxy.IO;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// Token counts of the large texts a client re-sends, by their bytes. A conversation's history comes back whole every
/// turn, and once a session has used <c>count_tokens</c> the proxy counts every request it answers
/// (<see cref="TokenCalibration"/>): without this, about 100 CPU-ms for each turn of a 3.5 MB history, several times
/// the cost of translating it, and 4 CPU-ms for the system prompt and tool definitions of every Claude Code turn
/// (<c>bench/README.md</c>). Keyed by the length and hash of the client's own bytes (or of a mapped string's UTF-16
/// units, under another seed), so a hit is the same text; bounded, so it never holds more than a few MB.
/// </summary>
internal static class KeptTextCounts
{
    /// <summary>Shorter texts are counted each time: cheaper than keeping them.</summary>
    public const int MinBytes = 256;

    /// <summary>Entries kept (about 40 bytes each) before the cache starts over.</summary>
    public const int Capacity = 50_000;

    /// <summary>Strings are hashed as UTF-16 under their own seed, so they never share a key with raw UTF-8 bytes.</summary>
    private const long StringSeed = 0x5554_4631_36;

    private static readonly ConcurrentDictionary<ItemDigest, int> Counts = new();

    /// <summary><paramref name="count"/> of the decoded text, or what it gave for the same bytes before.</summary>
    public static int Count(RawJsonString? text, Func<string, int> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        if (text is null)
        {
            return 0;
        }

        if (!text.IsRaw)
        {
            return Count(text.Decode(), count);
        }

        if (text.Token.Length < MinBytes)
        {
            return count(text.Decode());
        }

        return Lookup(ItemDigest.Of(text.Token), () => count(text.Decode()));
    }

    /// <summary>The same for a string the mapping made (instructions, a tool's description or schema).</summary>
    public static int Count(string? text, Func<string, int> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        if (text is null || text.Length * sizeof(char) < MinBytes)
        {
            return text is null ? 0 : count(text);
        }

        var key = new ItemDigest(text.Length, XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text.AsSpan()), StringSeed));
        return Lookup(key, () => count(text));
    }

    private static int Lookup(ItemDigest key, Func<int> count)
    {
        if (Counts.TryGetValue(key, out var known))
        {
            return known;
        }

        var counted = count();
        if (Counts.Count >= Capacity)
        {
            Counts.Clear();
        }

        Counts[key] = counted;
        return counted;
    }
}
