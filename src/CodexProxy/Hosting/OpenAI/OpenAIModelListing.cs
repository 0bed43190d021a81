using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.OpenAI;
using CodexProxy.Translation.Request;

namespace CodexProxy.Hosting.OpenAI;

/// <summary><c>GET /v1/models</c> for OpenAI clients: the catalogue's listed models the plan can use, by their Codex
/// names (which is what an OpenAI client sends). The Claude aliases are left out: OpenAI clients do not use them.</summary>
internal static class OpenAIModelListing
{
    /// <summary>The catalogue has no release dates; a fixed time (2026-01-01) keeps the answer stable.</summary>
    private const long Created = 1767225600;

    private const string Owner = "openai";

    public static OpenAIModelList List(CatalogSnapshot catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new OpenAIModelList([.. catalog.Usable.Where(m => m.Listed).Select(m => new OpenAIModel(m.Slug, Created, Owner))]);
    }

    /// <summary>A listed model, or any name the proxy would accept and resolve to one (effort suffixes, Claude names).</summary>
    public static OpenAIModel? Find(CatalogSnapshot catalog, string id, ModelMappingOptions mapping)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var slug = ModelResolver.Resolve(id, mapping).Slug;
        return catalog.Usable.Any(m => m.Slug.Equals(slug, StringComparison.OrdinalIgnoreCase)) ? new OpenAIModel(id, Created, Owner) : null;
    }
}
