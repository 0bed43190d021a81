namespace CodexProxy.Hosting;

/// <summary>An Anthropic-shaped error: status, <c>error.type</c>, message, and the retry hints Claude Code reads.</summary>
/// <param name="RetryAfterSeconds">Sent as <c>retry-after</c>.</param>
/// <param name="ShouldRetry">Sent as <c>x-should-retry</c> when set; false stops Claude Code's ten retries.</param>
internal sealed record ApiError(int Status, string Type, string Message, long? RetryAfterSeconds = null, bool? ShouldRetry = null)
{
    public static ApiError InvalidRequest(string message) => new(400, "invalid_request_error", message);

    public static ApiError Internal(string message) => new(500, "api_error", message);
}
