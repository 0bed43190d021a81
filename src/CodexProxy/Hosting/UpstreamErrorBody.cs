using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Hosting;

/// <summary>
/// What an upstream error body says. Bodies come as <c>{"detail":"…"}</c>, <c>{"error":{…}}</c>, or HTML
/// (Cloudflare); parsing is lenient because any of them may appear with any status.
/// </summary>
internal sealed record UpstreamErrorBody(string? Message, CodexError? Error, bool IsCloudflareBlock)
{
    public bool IsUsageLimit => Error?.Type is "usage_limit_reached" or "usage_not_included"
        || Error?.Code is "usage_limit_reached" or "usage_not_included";

    public bool IsOverloaded => Error?.Code is "server_is_overloaded" or "slow_down";

    public bool IsContextOverflow =>
        Error?.Code == "context_length_exceeded"
        || Message?.Contains("context length", StringComparison.OrdinalIgnoreCase) == true
        || Message?.Contains("context window", StringComparison.OrdinalIgnoreCase) == true;

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
                return new UpstreamErrorBody(error?.Message ?? detail ?? error?.Code, error, false);
            }
            catch (JsonException)
            {
                // Fall through: treat as text.
            }
        }

        var isCloudflare = body.Contains("cloudflare", StringComparison.OrdinalIgnoreCase);
        var text = trimmed.Length == 0 || trimmed.StartsWith("<") ? null : body.Trim();
        return new UpstreamErrorBody(text is { Length: > 500 } ? text[..500] : text, null, isCloudflare);
    }
}
