namespace CodexProxy.Hosting;

/// <summary>Unknown paths get an Anthropic-shaped 404 instead of an empty body.</summary>
internal static class FallbackEndpoint
{
    public static Task Handle(HttpContext http) =>
        ErrorResults.WriteAsync(http.Response,
            new ApiError(404, "not_found_error", $"No such endpoint: {http.Request.Method} {http.Request.Path}."),
            http.RequestAborted);
}
