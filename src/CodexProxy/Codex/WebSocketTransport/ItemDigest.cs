using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// A fingerprint of exact wire bytes: the length and a SHA-256 prefix of one input item (or of a request's settings)
/// as the proxy serialises it, with a client's text written as the proxy writes that value itself
/// (<see cref="CodexJsonContext.WireNormalized"/>). Two items with the same digest hold the same values, so comparing
/// digests is comparing what the backend was sent without keeping megabytes of history per conversation.
/// </summary>
internal readonly record struct ItemDigest(int Length, UInt128 Hash)
{
    /// <summary>Stands for an output item the proxy could not render as an input item: it equals no real item, so a
    /// history that reaches it is never continued.</summary>
    public static readonly ItemDigest Unmatchable = new(-1, UInt128.Zero);

    public static ItemDigest Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return new ItemDigest(bytes.Length, BinaryPrimitives.ReadUInt128LittleEndian(hash));
    }

    /// <summary>The digest of each input item as it appears inside the request body.</summary>
    public static ItemDigest[] OfItems(IReadOnlyList<CodexInputItem> items)
    {
        var digests = new ItemDigest[items.Count];
        var buffer = new ArrayBufferWriter<byte>(4096);
        var context = CodexJsonContext.WireNormalized;
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = context.Options.Encoder, MaxDepth = context.Options.MaxDepth, SkipValidation = true });
        for (var i = 0; i < items.Count; i++)
        {
            JsonSerializer.Serialize(writer, items[i], context.CodexInputItem);
            writer.Flush();
            digests[i] = Of(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
            writer.Reset();
        }

        return digests;
    }

    /// <summary>Everything of a request but its input and per-turn metadata: model, instructions, tools, tool choice,
    /// reasoning, text options, cache key, pass-through fields, and the request shape.</summary>
    public static ItemDigest OfSettings(CodexRequest request)
    {
        var settings = request with { Input = [], ClientMetadata = null, FrameType = null, PreviousResponseId = null };
        var json = JsonSerializer.SerializeToUtf8Bytes(settings, CodexJsonContext.WireNormalized.CodexRequest);
        var digest = Of(json);
        return request.ResponsesLite ? digest with { Hash = digest.Hash ^ UInt128.One } : digest;
    }
}
