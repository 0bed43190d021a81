using System.Text.Json;
using CodexProxy.Logging;

namespace CodexProxy.Codex;

/// <summary>
/// The proxy never refuses a model itself (the catalogue may lag behind the backend); when the backend refuses one,
/// this turns its answer into a message that keeps the backend's own words and adds the models the account can use.
/// The backend's wording today: 400 <c>{"detail":"The 'gpt-5.3-codex' model is not supported when using Codex with
/// a ChatGPT account."}</c>.
/// </summary>
internal static class ModelRejection
{
    private static readonly string[] RefusalWords = ["not supported", "not found", "does not exist", "unknown model", "invalid model", "not available"];

    /// <summary>The client-facing message, or null when the answer is not a refusal of <paramref name="slug"/>.</summary>
    public static string? Describe(int status, string body, string slug, CatalogSnapshot catalog)
    {
        ArgumentNullException.ThrowIfNull(slug);
        ArgumentNullException.ThrowIfNull(catalog);
        if (status is not (400 or 404) || BackendText(body ?? string.Empty) is not { Length: > 0 } text || !IsAboutTheModel(text, slug))
        {
            return null;
        }

        var usable = catalog.UsableListed.Select(m => m.Slug).ToList();
        var source = catalog.Live ? string.Empty : $" (from the {CatalogSnapshot.BuiltInLabel} catalogue; the live one could not be fetched)";
        var list = usable.Count == 0 ? "none are known" : string.Join(", ", usable);
        // Relayed to the client, so scrubbed like a log line (a backend that echoes the request must not leak a token).
        text = LogRedactor.Redact(text);
        var sentence = text.TrimEnd().EndsWith('.') ? text.TrimEnd() : text.TrimEnd() + ".";
        return $"model: {sentence} Models this account can use{source}: {list}.";
    }

    private static bool IsAboutTheModel(string text, string slug)
    {
        if (text.Contains("context", StringComparison.OrdinalIgnoreCase))
        {
            // "exceeds the context window of this model" is about the prompt, not the model.
            return false;
        }

        return (text.Contains(slug, StringComparison.OrdinalIgnoreCase) || text.Contains("model", StringComparison.OrdinalIgnoreCase))
            && RefusalWords.Any(word => text.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><c>{"detail":"…"}</c>, <c>{"error":{"message":"…"}}</c>, or short plain text; never HTML.</summary>
    private static string? BackendText(string body)
    {
        var trimmed = body.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    return detail.GetString();
                }

                return root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return trimmed.StartsWith('<') || trimmed.Length > 500 ? null : trimmed;
    }
}
