using System.Globalization;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Hosting.OpenAI;

namespace CodexProxy.Hosting;

/// <summary>Writes an <see cref="ApiError"/> as an Anthropic error response with its retry headers.</summary>
internal static class ErrorResults
{
    /// <summary>Answers a request that failed before its response started: the failure is mapped at the one mapping
    /// point, and logged when it is the proxy's (5xx) rather than the client's.</summary>
    public static Task WriteFailureAsync(HttpResponse response, ErrorMapper errors, Exception failure, ILogger logger, CancellationToken cancellationToken)
    {
        var error = errors.Map(failure);
        if (error.Status >= 500)
        {
            ProxyLog.RequestFailed(logger, error.Status, error.Type, failure);
        }

        return WriteAsync(response, error, cancellationToken);
    }

    public static async Task WriteAsync(HttpResponse response, ApiError error, CancellationToken cancellationToken)
    {
        // One classification, two renderings: an OpenAI client gets the same status in OpenAI's words.
        if (OpenAIClients.Expects(response.HttpContext.Request))
        {
            await OpenAIFailures.WriteAsync(response, error, OpenAIFailures.Render(error), cancellationToken);
            return;
        }

        response.Clear();
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (error.ShouldRetry is { } shouldRetry)
        {
            response.Headers["x-should-retry"] = shouldRetry ? "true" : "false";
        }

        var body = new ErrorResponse(new ErrorDetail(error.Type, error.Message));
        await JsonSerializer.SerializeAsync(response.Body, body, AnthropicJsonContext.Default.ErrorResponse, cancellationToken);
    }
}
