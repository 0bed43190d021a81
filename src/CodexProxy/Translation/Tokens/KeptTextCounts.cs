using System.Collections.Concurrent;
using CodexProxy.Codex;
using CodexProxy.IO;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// Token counts of the large texts a client re-sends, by their bytes. A conversation's history comes back whole every
/// turn, and once a session has used <c>count_tokens</c> the proxy counts every request it answers
/// (<see cref="TokenCalibration"/>): without this, about 100 CPU-ms for each turn of a 3.5 MB history, several times
/// the cost of translating it (<c>bench/README.md</c>). Keyed by the length and SHA-256 of the client's own bytes, so a
/// hit is the same text; bounded, so it never holds more than a few MB.
/// </summary>
internal static class KeptTextCounts
{
    /// <summary>Shorter texts are counted each time: cheaper than keeping them.</summary>
    public const int MinBytes = 1024;

    /// <summary>Entries kept (about 40 bytes each) before the cache starts over.</summary>
    public const int Capacity = 50_000;

    private static readonly ConcurrentDictionary<ItemDigest, int> Counts = new();

    /// <summary><paramref name="count"/> of the decoded text, or what it gave for the same bytes before.</summary>
    public static int Count(RawJsonString? text, Func<string, int> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        if (text is null)
        {
            return 0;
        }

        if (!text.IsRaw || text.Token.Length < MinBytes)
        {
            return count(text.Decode());
        }

        var key = ItemDigest.Of(text.Token);
        if (Counts.TryGetValue(key, out var known))
        {
            return known;
        }

        var counted = count(text.Decode());
        if (Counts.Count >= Capacity)
        {
            Counts.Clear();
        }

        Counts[key] = counted;
        return counted;
    }
}
