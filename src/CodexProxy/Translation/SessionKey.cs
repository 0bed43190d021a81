using System.Text.Json;
using CodexProxy.Anthropic;

namespace CodexProxy.Translation;

/// <summary>
/// The conversation key sent as <c>prompt_cache_key</c>: the <c>X-Claude-Code-Session-Id</c> header, else the
/// <c>session_id</c> inside <c>metadata.user_id</c>. Stable across turns and <c>--resume</c>, so the backend can reuse
/// the cached prefix of the conversation.
/// </summary>
internal static class SessionKey
{
    private const string LegacySessionMarker = "_session_";

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
