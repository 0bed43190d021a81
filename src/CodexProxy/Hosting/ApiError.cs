namespace CodexProxy.Hosting;

/// <summary>An Anthropic-shaped error: status, <c>error.type</c>, message, and the retry hints Claude Code reads.</summary>
/// <param name="RetryAfterSeconds">Sent as <c>retry-after</c>.</param>
/// <param name="ShouldRetry">Sent as <c>x-should-retry</c> when set; false stops Claude Code's ten retries.</param>
internal sealed record ApiError(int Status, string Type, string Message, long? RetryAfterSeconds = null, bool? ShouldRetry = null)
{
    public static ApiError InvalidRequest(string message) => new(400, "invalid_request_error", message);

    /// <summary>Retrying the same body cannot help, so Claude Code is told not to.</summary>
    public static ApiError RequestTooLarge(long? limit) =>
        new(413, "request_too_large",
            $"The request body is larger than this proxy's limit{(limit is { } l ? $" of {l} bytes" : "")} (MAX_REQUEST_BODY_BYTES).",
            ShouldRetry: false);

    public static ApiError Internal(string message) => new(500, "api_error", message);
}
