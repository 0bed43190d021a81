using CodexProxy.Hosting.OpenAI;
using CodexProxy.OpenAI;

namespace CodexProxy.Hosting;

/// <summary>Failures of the OpenAI endpoints: classified by the one <see cref="ErrorMapper"/>, rendered in OpenAI's
/// words (<see cref="OpenAIErrorRendering"/>). Only the OpenAI-specific request checks
/// (<see cref="OpenAIRequestException"/>) carry a <c>param</c> of their own.</summary>
internal static class OpenAIFailures
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

    public static OpenAIErrorDetail Render(ApiError error) => OpenAIErrorRendering.Render(error.Status, error.Message, error.ShouldRetry);

    public static Task WriteAsync(HttpResponse response, ApiError error, OpenAIErrorDetail detail, CancellationToken cancellationToken) =>
        OpenAIErrorRendering.WriteAsync(response, error.Status, error.RetryAfterSeconds, error.ShouldRetry, detail, cancellationToken);

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

    /// <summary>A failure inside a started stream: the status is 200, so the request log names the error type.</summary>
    public static void ReportStreamFailure(HttpContext http, ErrorMapper errors, Exception? failure, ILogger logger)
    {
        if (failure is null)
        {
            return;
        }

        var error = Map(errors, failure).Error;
        CodexForwarding.Entry(http).StreamError = error.Type;
        ProxyLog.StreamFailed(logger, error.Type, failure.Message);
    }
}
