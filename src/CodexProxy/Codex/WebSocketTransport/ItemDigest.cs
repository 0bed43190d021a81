using System.IO.Hashing;
using System.Text.Json;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Codex;

/// <summary>
/// A fingerprint of wire bytes: the length and the XXH128 hash of one input item (or of a request's settings). Two
/// kinds: <see cref="OfSentItems"/> digests the exact bytes sent, client's text as the client spelled it; it is what a
/// client's re-sent history is compared by (it re-sends the same bytes), and it costs a hash of the bytes the frame is
/// then written from (<see cref="RenderedInputItems"/>).
/// <see cref="OfValues"/> writes a client's text as the proxy writes that value itself
/// (<see cref="CodexJsonContext.WireNormalized"/>), so a backend's answer, which the proxy renders, matches the client's
/// replay of it whatever the client's escaping; it checks every escape, so it is used only where an answer is replayed.
/// Comparing digests is comparing what the backend holds without keeping megabytes of history per conversation.
/// </summary>
internal readonly record struct ItemDigest(int Length, UInt128 Hash)
{
    /// <summary>Stands for an output item the proxy could not render as an input item: it equals no real item, so a
    /// history that reaches it is never continued.</summary>
    public static readonly ItemDigest Unmatchable = new(-1, UInt128.Zero);

    /// <summary>A non-cryptographic hash is enough: it tells a client's edits of its own history from a re-send, and
    /// it is several times faster than SHA-256 over a multi-megabyte history.</summary>
    public static ItemDigest Of(ReadOnlySpan<byte> bytes) => new(bytes.Length, XxHash128.HashToUInt128(bytes));

    /// <summary>The digest of each input item as its bytes appear inside the request body (the bytes held by
    /// <see cref="RenderedInputItems"/>, else rendered for this).</summary>
    public static ItemDigest[] OfSentItems(IReadOnlyList<CodexInputItem> items)
    {
        if (items is RenderedInputItems { IsRendered: true } rendered)
        {
            return OfEach(rendered);
        }

        using var fresh = RenderedInputItems.Render(items, sizeHint: 0);
        return OfEach(fresh);
    }

    /// <summary>The digest of the values of <paramref name="count"/> items from <paramref name="from"/>, whatever
    /// their spelling.</summary>
    public static ItemDigest[] OfValues(IReadOnlyList<CodexInputItem> items, int from, int count)
    {
        if (count == 0)
        {
            return [];
        }

        using var normalized = RenderedInputItems.Render([.. items.Skip(from).Take(count)], sizeHint: 0, CodexJsonContext.WireNormalized);
        return OfEach(normalized);
    }

    private static ItemDigest[] OfEach(RenderedInputItems rendered)
    {
        var digests = new ItemDigest[rendered.Count];
        for (var i = 0; i < digests.Length; i++)
        {
            digests[i] = Of(rendered.BytesOf(i));
        }

        return digests;
    }

    /// <summary>Everything of a request but its input and per-turn metadata: model, instructions, tools, tool choice,
    /// reasoning, text options, cache key, pass-through fields, and the request shape.</summary>
    public static ItemDigest OfSettings(CodexRequest request)
    {
        var settings = request with { Input = [], ClientMetadata = null, FrameType = null, PreviousResponseId = null };
        // Pooled: Claude Code's tool schemas make this tens of kilobytes, every turn.
        using var json = new PooledBufferWriter(BodyBufferPool.Instance);
        using (var writer = new Utf8JsonWriter(json, CodexJsonContext.WriterOptionsOf(CodexJsonContext.WireNormalized)))
        {
            JsonSerializer.Serialize(writer, settings, CodexJsonContext.WireNormalized.CodexRequest);
        }

        var digest = Of(json.WrittenSpan);
        return request.ResponsesLite ? digest with { Hash = digest.Hash ^ UInt128.One } : digest;
    }
}
