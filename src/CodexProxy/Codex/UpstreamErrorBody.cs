using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// What an upstream error body says. Bodies come as <c>{"detail":"…"}</c>, <c>{"error":{…}}</c>, or HTML
/// (Cloudflare); parsing is lenient because any of them may appear with any status.
/// </summary>
/// <param name="Message">The human-readable part, if any (HTML pages have none).</param>
/// <param name="Error">The structured error object, if the body had one.</param>
/// <param name="Text">The raw body, for the few conditions only its text reveals.</param>
/// <param name="IsCloudflareBlock">A non-JSON page from Cloudflare (a region or bot block).</param>
internal sealed record UpstreamErrorBody(string? Message, CodexError? Error, string Text, bool IsCloudflareBlock = false)
{
    private const int MaxRelayedChars = 500;

    /// <summary>The error's <c>code</c>, else its <c>type</c>: the backend fills one or the other.</summary>
    public string? Code => Error?.Code ?? Error?.Type;

    public static UpstreamErrorBody Parse(string body)
    {
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.StartsWith("{"))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                CodexError? error = null;
                if (root.TryGetProperty("error", out var errorElement) && errorElement.ValueKind == JsonValueKind.Object)
                {
                    error = errorElement.Deserialize(CodexJsonContext.Default.CodexError);
                }

                var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return new UpstreamErrorBody(error?.Message ?? detail ?? error?.Code, error, body);
            }
            catch (JsonException)
            {
                // Fall through: treat as text.
            }
        }

        var isCloudflare = body.Contains("cloudflare", StringComparison.OrdinalIgnoreCase);
        var text = trimmed.Length == 0 || trimmed.StartsWith("<") ? null : body.Trim();
        return new UpstreamErrorBody(text is { Length: > MaxRelayedChars } ? text[..MaxRelayedChars] : text, null, body, isCloudflare);
    }
}
