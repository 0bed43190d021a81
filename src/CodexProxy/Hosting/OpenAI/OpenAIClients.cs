namespace CodexProxy.Hosting.OpenAI;

/// <summary>
/// Which API's shapes a request expects back. <c>/v1/chat/completions</c> and <c>/v1/responses</c> are OpenAI's;
/// on the shared paths (<c>/v1/models</c>, errors for unknown paths or a missing key) the headers decide: Anthropic
/// SDKs and Claude Code send <c>anthropic-version</c> and/or <c>x-api-key</c>, OpenAI SDKs send
/// <c>Authorization: Bearer</c> and neither. Without any of them the answer is Anthropic-shaped, as before.
/// </summary>
internal static class OpenAIClients
{
    public static bool IsOpenAIPath(PathString path) =>
        path.StartsWithSegments("/v1/chat/completions", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/v1/responses", StringComparison.OrdinalIgnoreCase);

    public static bool Expects(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsOpenAIPath(request.Path))
        {
            return true;
        }

        var headers = request.Headers;
        return !headers.ContainsKey("anthropic-version") && !headers.ContainsKey("x-api-key")
            && headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
    }
}
