using System.Globalization;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Logging;

namespace CodexProxy.Hosting;

/// <summary>The one point where every failure becomes an Anthropic error (see the README's error table).</summary>
internal sealed class ErrorMapper(TimeProvider time)
{
    public ApiError Map(Exception exception) => exception switch
    {
        InvalidRequestException e => ApiError.InvalidRequest(e.Message),
        NotLoggedInException e => new ApiError(401, "authentication_error", e.Message, ShouldRetry: false),
        UpstreamHttpException e => FromUpstreamStatus(e.StatusCode, UpstreamErrorBody.Parse(e.Body), e.Headers?.RetryAfter?.Delta),
        UpstreamStreamException e => FromStreamFailure(e.Error),
        UpstreamConnectionException e => new ApiError(500, "api_error", e.Message),
        AuthServerUnavailableException e => new ApiError(500, "api_error", e.Message),
        UpstreamTimeoutException e => new ApiError(504, "timeout_error", e.Message),
        RequestTooLargeException e => ApiError.RequestTooLarge(e.Limit),
        BadHttpRequestException { StatusCode: 413 } => ApiError.RequestTooLarge(null),
        BadHttpRequestException e => ApiError.InvalidRequest($"The request could not be read: {e.Message}"),
        IOException or HttpRequestException => new ApiError(500, "api_error", "The connection to the ChatGPT Codex backend broke."),
        _ => ApiError.Internal("The proxy failed unexpectedly; see its log for details."),
    };

    private ApiError FromUpstreamStatus(int status, UpstreamErrorBody body, TimeSpan? retryAfter)
    {
        if (body.IsUsageLimit)
        {
            return UsageLimit(body.Error);
        }

        // Upstream text is relayed to the client, so it is scrubbed like a log line: a backend (or a proxy in front of
        // it) that echoes the request must not hand the ChatGPT token to whoever reads the error.
        var detail = body.Message is { } upstreamMessage ? LogRedactor.Redact(upstreamMessage) : $"The ChatGPT Codex backend answered {status}.";
        return status switch
        {
            401 => new ApiError(401, "authentication_error",
                $"ChatGPT rejected the login ({detail}). Run `./chatgpt-codex-proxy login` again.", ShouldRetry: false),
            403 when body.IsCloudflareBlock => new ApiError(403, "permission_error",
                "The ChatGPT backend blocked this request (Cloudflare). Try again later or from another network.", ShouldRetry: false),
            403 => new ApiError(403, "permission_error", detail),
            404 => new ApiError(404, "not_found_error", detail),
            429 => new ApiError(429, "rate_limit_error", detail, (long?)retryAfter?.TotalSeconds),
            400 or 413 or 422 when body.IsContextOverflow => ContextOverflow(detail),
            >= 400 and < 500 => ApiError.InvalidRequest(detail),
            503 => Overloaded(detail),
            _ when body.IsOverloaded => Overloaded(detail),
            _ => new ApiError(500, "api_error", detail),
        };
    }

    private ApiError FromStreamFailure(CodexError error)
    {
        var message = LogRedactor.Redact(error.Message ?? error.Code ?? "The ChatGPT Codex backend reported a failure.");
        return (error.Code ?? error.Type) switch
        {
            "context_length_exceeded" => ContextOverflow(message),
            "usage_limit_reached" or "usage_not_included" or "insufficient_quota" => UsageLimit(error),
            "rate_limit_exceeded" => new ApiError(429, "rate_limit_error", message),
            "server_is_overloaded" or "slow_down" or "overloaded_error" => Overloaded(message),
            "invalid_prompt" or "cyber_policy" or "invalid_encrypted_content" or "invalid_request_error" => ApiError.InvalidRequest(message),
            _ => new ApiError(500, "api_error", message),
        };
    }

    /// <summary>Claude Code compacts the conversation when it sees "prompt is too long".</summary>
    private static ApiError ContextOverflow(string detail) => ApiError.InvalidRequest($"prompt is too long: {detail}");

    private static ApiError Overloaded(string detail) => new(529, "overloaded_error", detail);

    /// <summary>A plain answer: which allowance ran out and when it comes back. Retrying sooner is pointless.</summary>
    private ApiError UsageLimit(CodexError? error)
    {
        if (error?.Type == "usage_not_included" || error?.Code == "usage_not_included")
        {
            return new ApiError(429, "rate_limit_error",
                "Your ChatGPT plan does not include Codex. Upgrade to Plus or Pro, then retry.", ShouldRetry: false);
        }

        var now = time.GetUtcNow();
        DateTimeOffset? resetsAt = error?.ResetsAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at)
            : error?.ResetsInSeconds is { } seconds ? now.AddSeconds(seconds)
            : null;
        var plan = error?.PlanType is { Length: > 0 } p ? $"ChatGPT {p}" : "ChatGPT";
        if (resetsAt is not { } reset)
        {
            return new ApiError(429, "rate_limit_error", $"You have reached your {plan} usage limit for Codex.", ShouldRetry: false);
        }

        var wait = reset - now < TimeSpan.Zero ? TimeSpan.Zero : reset - now;
        var message = $"You have reached your {plan} usage limit for Codex. It resets at {FormatLocal(reset)} (in {FormatDuration(wait)}).";
        return new ApiError(429, "rate_limit_error", message, (long)Math.Ceiling(wait.TotalSeconds), ShouldRetry: false);
    }

    private string FormatLocal(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, time.LocalTimeZone);
        return local.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
    }

    internal static string FormatDuration(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{(int)span.TotalDays} d {span.Hours} h",
        { TotalHours: >= 1 } => $"{(int)span.TotalHours} h {span.Minutes} min",
        { TotalMinutes: >= 1 } => $"{(int)span.TotalMinutes} min",
        _ => $"{Math.Max(1, (int)Math.Ceiling(span.TotalSeconds))} s",
    };
}
