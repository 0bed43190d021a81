using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// The catalogue compiled into the proxy (<c>Codex/built-in-models.json</c>): a trimmed copy of the one the official
/// Codex CLI 0.169.0 ships, with the listed models and the fields the proxy uses. It is parsed by the same code as
/// the live catalogue and shown labelled <c>built-in</c>; it serves until (or whenever) the live one cannot be fetched.
/// </summary>
internal static class BuiltInCatalog
{
    public const string ResourceName = "CodexProxy.Codex.built-in-models.json";

    private static readonly Lazy<CatalogSnapshot> Loaded = new(Load);

    public static CatalogSnapshot Snapshot => Loaded.Value;

    /// <summary>The one parser for both the live answer and the built-in copy.</summary>
    public static CatalogSnapshot FromWire(CodexModelList list, bool live, string? planType)
    {
        ArgumentNullException.ThrowIfNull(list);
        return new CatalogSnapshot([.. list.Models.Select(CatalogModel.FromWire)], live, planType);
    }

    private static CatalogSnapshot Load()
    {
        using var stream = typeof(BuiltInCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        var list = JsonSerializer.Deserialize(stream, CodexModelListJsonContext.Default.CodexModelList)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is empty.");
        return FromWire(list, live: false, planType: null);
    }
}
