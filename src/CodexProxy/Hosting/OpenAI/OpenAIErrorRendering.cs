using System.Globalization;
using System.Text.Json;
using CodexProxy.OpenAI;

namespace CodexProxy.Hosting.OpenAI;

/// <summary>
/// How the OpenAI API words a failure the proxy has already classified (its status, message and retry hints come
/// from the one error mapping): the same HTTP status and retry headers, an
/// <c>{"error":{"message","type","param","code"}}</c> body with OpenAI's type and code for that status.
/// </summary>
internal static class OpenAIErrorRendering
{
    /// <param name="clientShouldRetry">The mapping's retry hint; false on a 429 means an allowance ran out.</param>
    public static OpenAIErrorDetail Render(int status, string message, bool? clientShouldRetry)
    {
        ArgumentNullException.ThrowIfNull(message);
        return status switch
        {
            400 when message.StartsWith("prompt is too long", StringComparison.Ordinal) =>
                new(message, "invalid_request_error", "input", "context_length_exceeded"),
            400 => new(message, "invalid_request_error", null, null),
            401 => new(message, "invalid_request_error", null, "invalid_api_key"),
            403 => new(message, "invalid_request_error", null, "permission_denied"),
            404 => new(message, "invalid_request_error", null, "not_found"),
            413 => new(message, "invalid_request_error", null, "request_too_large"),
            // A used-up allowance is not fixed by waiting seconds: OpenAI calls that running out of quota.
            429 when clientShouldRetry == false => new(message, "insufficient_quota", null, "insufficient_quota"),
            429 => new(message, "requests", null, "rate_limit_exceeded"),
            504 => new(message, "server_error", null, "timeout"),
            503 or 529 => new(message, "server_error", null, "server_is_overloaded"),
            _ => new(message, "server_error", null, null),
        };
    }

    public static async Task WriteAsync(
        HttpResponse response, int status, long? retryAfterSeconds, bool? clientShouldRetry, OpenAIErrorDetail detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        // The OpenAI SDKs read x-should-retry too.
        if (clientShouldRetry is { } shouldRetry)
        {
            response.Headers["x-should-retry"] = shouldRetry ? "true" : "false";
        }

        await JsonSerializer.SerializeAsync(response.Body, new OpenAIErrorResponse(detail), OpenAIJsonContext.Default.OpenAIErrorResponse, cancellationToken);
    }
}
