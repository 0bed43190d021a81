using CodexProxy.Usage;

namespace CodexProxy.Hosting;

/// <summary>The usage history's row for one request that went upstream, from what its request log entry collected.</summary>
internal static class UsageHistoryEntry
{
    public static UsageRecord From(RequestLogEntry entry, string path, int status, long durationMs, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var usage = entry.CodexUsage;
        return new UsageRecord
        {
            At = now,
            Account = entry.Account ?? UsageRecord.DefaultAccount,
            Session = entry.Session,
            Api = ApiOf(path),
            RequestedModel = entry.RequestedModel,
            CodexModel = entry.CodexModel,
            InputTokens = Math.Max(usage?.InputTokens ?? 0, 0),
            CachedTokens = Math.Max(usage?.InputTokensDetails?.CachedTokens ?? 0, 0),
            OutputTokens = Math.Max(usage?.OutputTokens ?? 0, 0),
            ReasoningTokens = Math.Max(usage?.OutputTokensDetails?.ReasoningTokens ?? 0, 0),
            DurationMs = durationMs,
            Outcome = OutcomeOf(status, entry.StreamError),
        };
    }

    public static string ApiOf(string path) =>
        path.StartsWith("/v1/chat/completions", StringComparison.Ordinal) ? "chat.completions"
        : path.StartsWith("/v1/responses", StringComparison.Ordinal) ? "responses"
        : "anthropic";

    /// <summary>499 is the request log's "the client left"; other failures by their Anthropic error type
    /// (https://docs.anthropic.com/en/api/errors), which the OpenAI endpoints share for the same statuses.</summary>
    public static string OutcomeOf(int status, string? streamError) => streamError ?? status switch
    {
        499 => UsageRecord.CancelledOutcome,
        < 400 => UsageRecord.OkOutcome,
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
}
