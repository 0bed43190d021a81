using CodexProxy.Anthropic;

namespace CodexProxy.Codex;

/// <summary>
/// Rejects, before anything is sent, a model the live catalogue lacks or the account's plan cannot use, with a 400
/// that lists the usable models. Only a catalogue actually fetched counts: with the built-in fallback (or before the
/// first fetch finished) every model is let through and the backend decides.
/// </summary>
internal sealed class ModelAvailability(ModelCatalog catalog)
{
    public void EnsureUsable(string slug)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (catalog.LiveOrNull() is not { } live)
        {
            return;
        }

        var usable = live.Usable.ToList();
        if (usable.Any(m => m.Slug.Equals(slug, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var reason = live.Find(slug) is null
            ? "is not in the ChatGPT Codex model catalogue"
            : $"is not available on the '{live.PlanType}' plan";
        var names = string.Join(", ", usable.Where(m => m.Listed).Select(m => m.Slug));
        throw new InvalidRequestException($"model: '{slug}' {reason}. Models this account can use: {names}.");
    }
}
