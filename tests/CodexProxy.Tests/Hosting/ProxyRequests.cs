using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Claude Code-shaped requests and readers for the answers.</summary>
internal static class ProxyRequests
{
    public static string Body(bool stream, string text = "hi") =>
        $$"""{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":{{(stream ? "true" : "false")}},"system":[{"type":"text","text":"You are Claude Code."}],"messages":[{"role":"user","content":[{"type":"text","text":"{{text}}"}]}]}""";

    public const string MessagesPath = "/v1/messages?beta=true";

    public static HttpRequestMessage Post(string body, string? apiKey = "sk-any", string path = MessagesPath)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }

        return request;
    }

    /// <summary>Status, then error.type from a JSON error body (or null).</summary>
    public static async Task<(int Status, string? ErrorType, string Body)> SendAsync(HttpClient client, string body, string path = MessagesPath)
    {
        using var response = await client.SendAsync(Post(body, path: path), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, ErrorType(text), text);
    }

    public static string? ErrorType(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("type", out var type)
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The SSE event names in order.</summary>
    public static List<string> EventNames(string sse) =>
        [.. sse.Split('\n').Where(static l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(static l => l["event: ".Length..].Trim())];

    public static string? StreamErrorType(string sse) =>
        sse.Split('\n').Where(static l => l.StartsWith("data: ", StringComparison.Ordinal) && l.Contains("\"type\":\"error\"", StringComparison.Ordinal))
            .Select(static l => ErrorType(l["data: ".Length..])).FirstOrDefault();
}
