using System.Globalization;
using System.Text.Json;
using CodexProxy.OpenAI;

namespace CodexProxy.Hosting.OpenAI;

/// <summary>
/// Renders the one classification of a failure (<see cref="ErrorMapper"/>'s <see cref="ApiError"/>) the way the
/// OpenAI API words it: the same HTTP status and retry headers, an <c>{"error":{"message","type","param","code"}}</c>
/// body. Only the OpenAI-specific request checks (<see cref="OpenAIRequestException"/>) carry a <c>param</c>.
/// </summary>
internal static class OpenAIErrorResults
{
    public static (ApiError Error, OpenAIErrorDetail Detail) Map(ErrorMapper errors, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (failure is OpenAIRequestException request)
        {
            return (ApiError.InvalidRequest(request.Message), new OpenAIErrorDetail(request.Message, "invalid_request_error", request.Param, request.Code));
        }

        var error = errors.Map(failure);
        return (error, Render(error));
    }

    /// <summary>OpenAI's types and codes for the statuses the mapper produces.</summary>
    public static OpenAIErrorDetail Render(ApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        return error.Status switch
        {
            400 when message.StartsWith("prompt is too long", StringComparison.Ordinal) =>
                new(message, "invalid_request_error", "input", "context_length_exceeded"),
            400 => new(message, "invalid_request_error", null, null),
            401 => new(message, "invalid_request_error", null, "invalid_api_key"),
            403 => new(message, "invalid_request_error", null, "permission_denied"),
            404 => new(message, "invalid_request_error", null, "not_found"),
            413 => new(message, "invalid_request_error", null, "request_too_large"),
            // A used-up allowance is not fixed by waiting seconds: OpenAI calls that running out of quota.
            429 when error.ShouldRetry == false => new(message, "insufficient_quota", null, "insufficient_quota"),
            429 => new(message, "requests", null, "rate_limit_exceeded"),
            504 => new(message, "server_error", null, "timeout"),
            503 or 529 => new(message, "server_error", null, "server_is_overloaded"),
            _ => new(message, "server_error", null, null),
        };
    }

    /// <summary>Answers a request that failed before its response started; 5xx are the proxy's and are logged.</summary>
    public static Task WriteFailureAsync(HttpResponse response, ErrorMapper errors, Exception failure, ILogger logger, CancellationToken cancellationToken)
    {
        var (error, detail) = Map(errors, failure);
        if (error.Status >= 500)
        {
            ProxyLog.RequestFailed(logger, error.Status, error.Type, failure);
        }

        return WriteAsync(response, error, detail, cancellationToken);
    }

    public static async Task WriteAsync(HttpResponse response, ApiError error, OpenAIErrorDetail detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(error);
        response.Clear();
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        // The OpenAI SDKs read x-should-retry too.
        if (error.ShouldRetry is { } shouldRetry)
        {
            response.Headers["x-should-retry"] = shouldRetry ? "true" : "false";
        }

        await JsonSerializer.SerializeAsync(response.Body, new OpenAIErrorResponse(detail), OpenAIJsonContext.Default.OpenAIErrorResponse, cancellationToken);
    }
}
