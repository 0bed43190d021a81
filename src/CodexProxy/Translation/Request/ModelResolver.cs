using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Configuration;

namespace CodexProxy.Translation.Request;

/// <summary>The upstream slug to call and the effort that goes with it (null: let the request decide).</summary>
/// <param name="Effort">From an effort suffix on the name (<c>gpt-5.5-high</c>), an alias, or the family table.</param>
internal sealed record ResolvedModel(string Slug, string? Effort)
{
    /// <summary>True when <see cref="Effort"/> is only the built-in table's default for a Claude family, which the
    /// client's own effort overrides; false when the user named it (a suffix, an override, an alias).</summary>
    public bool EffortIsDefault { get; init; }
}

/// <summary>
/// Turns the model name a client asked for into a Codex slug.
/// <list type="number">
/// <item>Claude Code's <c>[1m]</c> context marker is stripped first.</item>
/// <item><c>claude-codex-{slug}</c> (how <c>GET /v1/models</c> lists Codex models for Claude Code's model discovery,
/// which keeps only ids containing "claude") is that Codex slug, whatever the mode.</item>
/// <item>Claude names (<c>claude-*</c>, or containing <c>opus</c>/<c>sonnet</c>/<c>haiku</c>) are always mapped:
/// the family override (<c>ANTHROPIC_DEFAULT_OPUS_MODEL</c>, …) wins as given, else the built-in table's default,
/// which then resolves against the catalogue (<see cref="CatalogSnapshot.ResolveDefault"/>: a legacy default follows
/// its <c>upgrade</c>, a missing one becomes the top-priority model, or for Haiku the fast tier).</item>
/// <item>Other names go upstream unchanged in passthrough mode; otherwise an exact built-in alias applies first.</item>
/// <item>An effort suffix (<c>-none</c> … <c>-ultra</c>) on the resulting name is split off and returned as
/// <see cref="ResolvedModel.Effort"/>; it beats any effort from the table. The table's own effort is marked
/// <see cref="ResolvedModel.EffortIsDefault"/>: the request's effort wins over it (see <see cref="EffortMapper"/>).</item>
/// </list>
/// </summary>
internal static class ModelResolver
{
    public const string ResourceName = "CodexProxy.Translation.model-map.json";

    /// <summary>Claude Code's gateway model discovery drops every id without "claude" or "anthropic" in it.</summary>
    public const string CodexModelPrefix = "claude-codex-";

    private const string OneMillionContextMarker = "[1m]";

    private static readonly string[] EffortSuffixes = ["none", "minimal", "low", "medium", "high", "xhigh", "max", "ultra"];

    private static readonly Lazy<ModelMapData> Table = new(LoadTable);

    /// <summary>The built-in table (for the README and <c>status</c> output).</summary>
    public static ModelMapData BuiltInTable => Table.Value;

    /// <param name="catalog">The catalogue the table's Claude defaults resolve against; null keeps them as written.
    /// Names the user gave (explicit slugs, overrides) are never changed by it.</param>
    public static ResolvedModel Resolve(string requested, ModelMappingOptions options, CatalogSnapshot? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(options);

        var name = StripContextMarker(requested.Trim());
        if (name.StartsWith(CodexModelPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > CodexModelPrefix.Length)
        {
            return SplitEffortSuffix(name[CodexModelPrefix.Length..]);
        }

        if (IsClaudeName(name))
        {
            return ResolveClaude(name, options, catalog);
        }

        var parsed = SplitEffortSuffix(name);
        if (options.Passthrough)
        {
            return parsed;
        }

        var alias = FindAlias(name) ?? FindAlias(parsed.Slug);
        return alias is null ? parsed : new ResolvedModel(alias.Slug, parsed.Effort ?? alias.Effort);
    }

    /// <summary>Claude names: starts with <c>claude-</c> or names a Claude family anywhere.</summary>
    public static bool IsClaudeName(string name) =>
        name.StartsWith("claude-", StringComparison.OrdinalIgnoreCase)
        || FamilyOf(name) is not null;

    /// <summary>Splits <c>gpt-5.5-high</c> into (<c>gpt-5.5</c>, <c>high</c>); real slugs such as
    /// <c>gpt-6-luna</c> or <c>gpt-5.1-codex-max</c> stay whole.</summary>
    public static ResolvedModel SplitEffortSuffix(string name)
    {
        if (Table.Value.SlugsEndingLikeAnEffort.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return new ResolvedModel(name, null);
        }

        var dash = name.LastIndexOf('-');
        if (dash <= 0)
        {
            return new ResolvedModel(name, null);
        }

        var suffix = name.AsSpan(dash + 1);
        foreach (var effort in EffortSuffixes)
        {
            if (suffix.Equals(effort, StringComparison.OrdinalIgnoreCase))
            {
                return new ResolvedModel(name[..dash], effort);
            }
        }

        return new ResolvedModel(name, null);
    }

    private static ResolvedModel ResolveClaude(string name, ModelMappingOptions options, CatalogSnapshot? catalog)
    {
        var mapping = FamilyOf(name);
        var family = mapping?.Family;
        var overrideModel = family switch
        {
            "opus" => options.OpusModel,
            "sonnet" => options.SonnetModel,
            "haiku" => options.HaikuModel,
            _ => null,
        };
        if (!string.IsNullOrWhiteSpace(overrideModel))
        {
            return SplitEffortSuffix(overrideModel.Trim());
        }

        var target = (ModelTarget?)mapping ?? Table.Value.ClaudeDefault;
        var parsed = SplitEffortSuffix(target.Slug);
        if (catalog is not null)
        {
            parsed = parsed with { Slug = catalog.ResolveDefault(parsed.Slug, fastTier: family == "haiku") };
        }

        return parsed.Effort is null ? parsed with { Effort = target.Effort, EffortIsDefault = target.Effort is not null } : parsed;
    }

    /// <summary>The family mapping whose name the model name contains. A loop rather than LINQ: every request resolves
    /// its model, and the lambdas' allocations showed in its profile.</summary>
    private static FamilyMapping? FamilyOf(string name)
    {
        foreach (var mapping in Table.Value.Families)
        {
            if (name.Contains(mapping.Family, StringComparison.OrdinalIgnoreCase))
            {
                return mapping;
            }
        }

        return null;
    }

    private static AliasMapping? FindAlias(string name) =>
        Table.Value.Aliases.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static string StripContextMarker(string name) =>
        name.EndsWith(OneMillionContextMarker, StringComparison.OrdinalIgnoreCase)
            ? name[..^OneMillionContextMarker.Length].TrimEnd()
            : name;

    private static ModelMapData LoadTable()
    {
        using var stream = typeof(ModelResolver).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        return JsonSerializer.Deserialize(stream, ModelMapJsonContext.Default.ModelMapData)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is empty.");
    }
}
