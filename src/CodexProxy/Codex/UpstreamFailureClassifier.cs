using System.Net.Http.Headers;
using System.Net.Sockets;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// The one decision of what an upstream failure is: an HTTP status with its body and headers, a <c>response.failed</c>
/// or <c>error</c> event, or a transport or login exception becomes one <see cref="UpstreamFailure"/>. The retry policy,
/// the pre-output read-ahead, the reasoning recovery and the Anthropic error mapping all ask this class, so a code is
/// never retried in one place and reported as something else in another. The codes and their handling follow the
/// official Codex CLI (<c>codex-rs/codex-api/src/api_bridge.rs</c> and <c>sse/responses.rs</c> in openai/codex).
/// </summary>
internal sealed class UpstreamFailureClassifier(TimeProvider time)
{
    /// <summary>What Claude Code reacts to by compacting the conversation; the rest of the message is free.</summary>
    public const string PromptTooLongPrefix = "prompt is too long: ";

    /// <summary>The official client's words for a model at capacity.</summary>
    public const string AtCapacityMessage = "Selected model is at capacity. Please try a different model, or try again in a moment.";

    private static readonly CodexError ResponseFailed = new() { Code = "response_failed", Message = "The Codex response failed." };
    private static readonly CodexError StreamFailed = new() { Code = "stream_error", Message = "The Codex stream reported an error." };

    private readonly UpstreamUsageLimits _usage = new(time);

    /// <summary>The failure an event carries: <c>response.failed</c> or <c>error</c> (nested or flat), else null.
    /// <c>response.incomplete</c> is not a failure: it ends the turn with a stop reason (<c>max_tokens</c>, <c>refusal</c>).</summary>
    public static CodexError? ErrorOf(CodexStreamEvent codexEvent) => codexEvent.Type switch
    {
        "response.failed" => codexEvent.Response?.Error ?? ResponseFailed,
        "error" => codexEvent.Error
            ?? (codexEvent.Code is null && codexEvent.Message is null ? StreamFailed : new CodexError { Code = codexEvent.Code, Message = codexEvent.Message }),
        _ => null,
    };

    /// <summary>Null when <paramref name="exception"/> is not an upstream or login failure (a bug, a bad request).</summary>
    public UpstreamFailure? Classify(Exception exception) => exception switch
    {
        UpstreamHttpException e => FromHttp(e.StatusCode, e.Body, e.Headers),
        EveryAccountLimitedException e => e.Failure,
        UpstreamStreamException e => FromStream(e.Error),
        // Not retried: the silence already lasted the whole idle timeout, and four more would outlast Claude Code's own
        // 600 s request timeout; Claude Code retries a 504 itself.
        UpstreamTimeoutException e => new(UpstreamFailureKind.Timeout, 504, "timeout_error", e.Message),
        UpstreamConnectionException e => Connection(e.Message),
        NotLoggedInException e => new(UpstreamFailureKind.NotLoggedIn, 401, "authentication_error", e.Message) { ClientShouldRetry = false },
        AuthServerUnavailableException e => AuthServerUnavailable(e),
        HttpRequestException or IOException or SocketException => Connection("The connection to the ChatGPT Codex backend broke."),
        _ => null,
    };

    public UpstreamFailure FromHttp(int status, string body, HttpResponseHeaders? headers)
    {
        var parsed = UpstreamErrorBody.Parse(body);
        var detail = parsed.Message ?? $"The ChatGPT Codex backend answered {status}.";
        if (parsed.Error is { } error && _usage.Classify(error, headers) is { } usage)
        {
            // Whatever the status: the backend has also reported usage limits as 404.
            return usage;
        }

        if (Is(parsed.Error, "invalid_encrypted_content") || (status == 400 && parsed.Text.Contains("invalid_encrypted_content", StringComparison.Ordinal)))
        {
            return InvalidRequest(UpstreamFailureKind.InvalidEncryptedContent, detail);
        }

        return status switch
        {
            401 => new(UpstreamFailureKind.Unauthorized, 401, "authentication_error",
                $"ChatGPT rejected the login ({detail}). Run `./chatgpt-codex-proxy login` again.")
            { ClientShouldRetry = false },
            403 when parsed.IsCloudflareBlock => new(UpstreamFailureKind.Forbidden, 403, "permission_error",
                "The ChatGPT backend blocked this request (Cloudflare). Try again later or from another network.")
            { ClientShouldRetry = false },
            403 => new(UpstreamFailureKind.Forbidden, 403, "permission_error", detail),
            404 => new(UpstreamFailureKind.NotFound, 404, "not_found_error", detail),
            // Never retried here: the official client does not retry a 429 either.
            429 => RateLimited(detail, headers?.RetryAfter?.Delta),
            400 or 413 or 422 when IsContextOverflow(parsed.Error, detail) => ContextOverflow(detail),
            400 when IsInvalidImage(parsed.Error, parsed.Text) => InvalidRequest(UpstreamFailureKind.InvalidImage, detail),
            >= 400 and < 500 when Is(parsed.Error, "cyber_policy") => ContentFlagged(detail),
            >= 400 and < 500 => InvalidRequest(UpstreamFailureKind.InvalidRequest, detail),
            _ when Is(parsed.Error, "server_is_overloaded", "slow_down") => Overloaded(),
            // A 503 without a capacity code may be brief: retried like any 5xx, then answered as overloaded.
            503 => new(UpstreamFailureKind.Overloaded, 529, "overloaded_error", detail) { RetryableBeforeOutput = true },
            >= 500 => ServerError(detail),
            _ => new(UpstreamFailureKind.Unknown, 500, "api_error", detail),
        };
    }

    public UpstreamFailure FromStream(CodexError error)
    {
        var message = error.Message ?? error.Code ?? error.Type ?? "The ChatGPT Codex backend reported a failure.";
        if (_usage.Classify(error, headers: null) is { } usage)
        {
            return usage;
        }

        return (error.Code ?? error.Type) switch
        {
            "context_length_exceeded" => ContextOverflow(message),
            "rate_limit_exceeded" => RateLimited(message, retryAfter: null),
            "server_is_overloaded" or "slow_down" or "overloaded_error" => Overloaded(),
            "invalid_encrypted_content" => InvalidRequest(UpstreamFailureKind.InvalidEncryptedContent, message),
            "cyber_policy" => ContentFlagged(message),
            _ when IsInvalidImage(error, message) => InvalidRequest(UpstreamFailureKind.InvalidImage, message),
            "invalid_prompt" or "invalid_request_error" or "invalid_request" => InvalidRequest(UpstreamFailureKind.InvalidRequest, message),
            "server_error" or "internal_error" or "internal_server_error" or "api_error" or "service_unavailable" => ServerError(message),
            // The connection closed before response.completed: as good as a reset.
            "stream_truncated" => Connection(message),
            _ => new(UpstreamFailureKind.Unknown, 500, "api_error", message),
        };
    }

    /// <summary>Claude Code compacts on a 400 whose message starts with "prompt is too long" (also as an SSE error).</summary>
    private static UpstreamFailure ContextOverflow(string detail) =>
        new(UpstreamFailureKind.ContextOverflow, 400, "invalid_request_error", PromptTooLongPrefix + detail);

    /// <summary>A 400 is final for Claude Code: it shows the message and does not resend the same body.</summary>
    private static UpstreamFailure InvalidRequest(UpstreamFailureKind kind, string detail) => new(kind, 400, "invalid_request_error", detail);

    /// <summary>Flagged content will be flagged again: a 400 stops the attempt and shows why.</summary>
    private static UpstreamFailure ContentFlagged(string detail) =>
        new(UpstreamFailureKind.ContentFlagged, 400, "invalid_request_error", $"The ChatGPT backend flagged this request: {detail}");

    /// <summary>Not retried by the proxy (the official client does not either): a 529 lets Claude Code's own short
    /// 529 back-off decide, and the user sees a plain "at capacity" rather than a wall of retries.</summary>
    private static UpstreamFailure Overloaded() => new(UpstreamFailureKind.Overloaded, 529, "overloaded_error", AtCapacityMessage);

    /// <summary>A short-term limit: a 429 with the wait the backend named, which Claude Code honours before retrying.</summary>
    private static UpstreamFailure RateLimited(string detail, TimeSpan? retryAfter) =>
        new(UpstreamFailureKind.RateLimited, 429, "rate_limit_error", detail) { RetryAfter = retryAfter ?? UpstreamUsageLimits.TryAgainIn(detail) };

    private static UpstreamFailure ServerError(string detail) =>
        new(UpstreamFailureKind.ServerError, 500, "api_error", detail) { RetryableBeforeOutput = true };

    private static UpstreamFailure Connection(string detail) =>
        new(UpstreamFailureKind.Connection, 500, "api_error", detail) { RetryableBeforeOutput = true };

    /// <summary>Retried like a connection failure; the message is the proxy's own: the auth server's error text may echo
    /// the refresh token it was sent, so it goes to the log (redacted), never to the client.</summary>
    private static UpstreamFailure AuthServerUnavailable(AuthServerUnavailableException e)
    {
        var reason = e.InnerException is OAuthException { ErrorCode: { } code } && IsPlainCode(code) ? $" ({code})" : "";
        return new(UpstreamFailureKind.AuthServerUnavailable, 500, "api_error",
            $"Could not refresh the ChatGPT login: the auth server failed or could not be reached{reason}. Try again in a moment.")
        { RetryableBeforeOutput = true };
    }

    private static bool IsContextOverflow(CodexError? error, string detail) =>
        Is(error, "context_length_exceeded")
        || detail.Contains("context length", StringComparison.OrdinalIgnoreCase)
        || detail.Contains("context window", StringComparison.OrdinalIgnoreCase);

    private static bool IsInvalidImage(CodexError? error, string text) =>
        Is(error, "invalid_image", "invalid_image_format", "image_parse_error")
        || text.Contains("does not represent a valid image", StringComparison.OrdinalIgnoreCase);

    internal static bool Is(CodexError? error, params ReadOnlySpan<string> codes)
    {
        foreach (var code in codes)
        {
            if (error?.Code == code || error?.Type == code)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPlainCode(string code) =>
        code.Length is > 0 and <= 64 && code.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
