using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Translation.Request;

/// <summary>
/// The session is the <c>X-Claude-Code-Session-Id</c> header, else the <c>session_id</c> inside
/// <c>metadata.user_id</c>; it is stable across turns and <c>--resume</c>.
/// <para>The <c>prompt_cache_key</c> is per <em>thread</em>: <c>{session}-{hash}</c>, where the hash covers the
/// thread's instructions and its first user message. Claude Code's subagents share the session id but have their own
/// system prompt and first message, so the main thread and every subagent get separate keys that stay the same turn
/// after turn. There is no "which thread is main" guess: the rule is the same for every thread, so it is deterministic
/// and survives restarts of the proxy.</para>
/// </summary>
internal static class SessionKey
{
    /// <summary>Hex characters of the thread hash (64 bits of XXH3: collisions inside one session are not a concern,
    /// and nothing here needs to resist an attacker).</summary>
    public const int ThreadHashLength = 16;

    private const string LegacySessionMarker = "_session_";

    private static readonly JsonWriterOptions WriterOptions = CodexJsonContext.WriterOptionsOf(CodexJsonContext.WireNormalized);

    private static readonly ConditionalWeakTable<RawJsonString, XxHash3> AfterInstructions = new();

    /// <summary>The <c>prompt_cache_key</c> for one thread of <paramref name="session"/>; null without a session.</summary>
    public static string? ForThread(string? session, RawJsonString instructions, IReadOnlyList<CodexInputItem> input)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentNullException.ThrowIfNull(input);
        if (session is null)
        {
            return null;
        }

        // The hash of the JSON array [instructions, first user message's content], written as the backend is sent
        // them, whatever the client's escaping: a kept prompt is then hashed as it is.
        var thread = HashAfterInstructions(instructions);
        var firstUser = input.OfType<CodexMessageItem>().FirstOrDefault(m => m.Role == "user");
        using (var content = new PooledBufferWriter(ArrayPool<byte>.Shared))
        {
            using (var writer = new Utf8JsonWriter(content, WriterOptions))
            {
                JsonSerializer.Serialize(writer, firstUser?.Content ?? [], CodexJsonContext.WireNormalized.IReadOnlyListCodexContentPart);
            }

            thread.Append(","u8);
            thread.Append(content.WrittenSpan);
            thread.Append("]"u8);
        }

        var hex = thread.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture);
        return $"{session}-{hex}";
    }

    /// <summary>A hash that has taken in <c>[</c> and the instructions. Remembered for instructions that are
    /// themselves remembered between turns (<see cref="InstructionsBuilder"/> hands out the same object), so Claude
    /// Code's system prompt, tens of kilobytes, is written and hashed once per thread rather than every turn.</summary>
    private static XxHash3 HashAfterInstructions(RawJsonString instructions)
    {
        if (AfterInstructions.TryGetValue(instructions, out var remembered))
        {
            return remembered.Clone();
        }

        var hash = new XxHash3();
        using (var prefix = new PooledBufferWriter(ArrayPool<byte>.Shared))
        {
            using (var writer = new Utf8JsonWriter(prefix, WriterOptions))
            {
                writer.WriteStartArray();
                instructions.WriteNormalized(writer);
            }

            hash.Append(prefix.WrittenSpan);
        }

        if (instructions.Token.Length >= InstructionsBuilder.RememberedFromBytes)
        {
            AfterInstructions.AddOrUpdate(instructions, hash.Clone());
        }

        return hash;
    }

    /// <summary>The session part of a key made by <see cref="ForThread"/> (the key itself if it has no thread hash).</summary>
    public static string SessionOf(string threadKey)
    {
        ArgumentNullException.ThrowIfNull(threadKey);
        var cut = threadKey.Length - ThreadHashLength - 1;
        return cut > 0 && threadKey[cut] == '-' ? threadKey[..cut] : threadKey;
    }

    public static string? From(string? headerSessionId, RequestMetadata? metadata)
    {
        if (!string.IsNullOrWhiteSpace(headerSessionId))
        {
            return headerSessionId.Trim();
        }

        return FromUserId(metadata?.UserId);
    }

    /// <summary>Current Claude Code sends a JSON-encoded string; older versions sent
    /// <c>user_{hash}_account_{uuid}_session_{uuid}</c>. Anything else yields no key.</summary>
    public static string? FromUserId(string? userId)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            return null;
        }

        var trimmed = userId.Trim();
        if (trimmed.StartsWith('{'))
        {
            return FromJson(trimmed);
        }

        var marker = trimmed.LastIndexOf(LegacySessionMarker, StringComparison.Ordinal);
        var legacy = marker < 0 ? string.Empty : trimmed[(marker + LegacySessionMarker.Length)..];
        return legacy.Length > 0 ? legacy : null;
    }

    private static string? FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("session_id", out var sessionId)
                && sessionId.ValueKind == JsonValueKind.String
                && sessionId.GetString() is { Length: > 0 } value
                ? value
                : null;
        }
        catch (JsonException)
        {
            // A client-chosen user_id is free text; a malformed one only costs prompt caching.
            return null;
        }
    }
}
