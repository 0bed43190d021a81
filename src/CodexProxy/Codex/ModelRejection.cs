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
        // Parsed like every other upstream error; usage limits (sometimes sent as 404) are never about the model.
        var parsed = UpstreamErrorBody.Parse(body ?? string.Empty);
        if (status is not (400 or 404) || parsed.Message is not { Length: > 0 } text || !IsAboutTheModel(text, slug)
            || parsed.Code?.Contains("usage", StringComparison.OrdinalIgnoreCase) == true)
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
}
