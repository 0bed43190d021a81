using System.Text.Json.Serialization;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;

namespace CodexProxy.Cli;

/// <summary>What <c>models</c> shows, as a table or (<c>--json</c>) as this record.</summary>
internal sealed record ModelsReport
{
    public const string LiveSource = CatalogSnapshot.LiveLabel;
    public const string BuiltInSource = CatalogSnapshot.BuiltInLabel;

    private static readonly string[] ClaudeFamilies = ["haiku", "sonnet", "opus"];

    /// <summary><c>live</c> (fetched just now) or <c>built-in</c> (the catalogue compiled into the proxy).</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    [JsonPropertyName("url")] public required string Url { get; init; }

    /// <summary>The account's plan from the access token; null when unknown.</summary>
    [JsonPropertyName("plan")] public string? Plan { get; init; }

    /// <summary>Why the live catalogue could not be fetched; null when it was.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }

    [JsonPropertyName("not_logged_in")] public bool NotLoggedIn { get; init; }

    [JsonPropertyName("models")] public IReadOnlyList<ModelsReportRow> Models { get; init; } = [];

    /// <summary>The catalogue's models in its order, then any alias target the catalogue lacks. Aliases resolve
    /// against this catalogue, exactly as requests do.</summary>
    public static ModelsReport Build(CatalogFetchResult fetch, ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = fetch.Snapshot;
        var aliases = ClaudeAliases(options.Models, snapshot);
        var rows = snapshot.Models.Select(model => new ModelsReportRow
        {
            Slug = model.Slug,
            DisplayName = model.DisplayName,
            ContextWindow = model.ContextWindow,
            Listed = model.Listed,
            InCatalogue = true,
            Usable = Usable(model, snapshot),
            ReplacedBy = ReplacementOf(model, snapshot),
            Aliases = AliasesOf(model.Slug, aliases),
        }).ToList();

        var missing = aliases
            .Where(a => snapshot.Find(a.Slug) is null)
            .Select(a => a.Slug)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        rows.AddRange(missing.Select(slug => new ModelsReportRow
        {
            Slug = slug,
            InCatalogue = false,
            // Sent as given; only the backend knows whether it serves a model its catalogue does not list.
            Usable = null,
            Aliases = AliasesOf(slug, aliases),
        }));

        return new ModelsReport
        {
            Source = snapshot.Source,
            Url = CatalogFetch.ModelsUri(options).AbsoluteUri,
            Plan = snapshot.PlanType,
            Error = fetch.Failure,
            NotLoggedIn = fetch.NotLoggedIn,
            Models = rows,
        };
    }

    /// <summary>haiku, sonnet and opus as the proxy resolves them now (environment overrides included), and what
    /// replaces a legacy target (only an override can be one: the defaults follow upgrades by themselves).</summary>
    private static List<ModelsReportAlias> ClaudeAliases(ModelMappingOptions mapping, CatalogSnapshot snapshot) =>
        [.. ClaudeFamilies.Select(family =>
        {
            var resolved = ModelResolver.Resolve(family, mapping, snapshot);
            return new ModelsReportAlias
            {
                Name = family,
                Slug = resolved.Slug,
                Effort = resolved.Effort,
                ReplacedBy = snapshot.Find(resolved.Slug) is { } model ? ReplacementOf(model, snapshot) : null,
            };
        })];

    /// <summary>The end of a legacy model's upgrade chain, or its named upgrade when the catalogue lacks the target.</summary>
    private static string? ReplacementOf(CatalogModel model, CatalogSnapshot snapshot) =>
        model.Upgrade is null ? null
        : snapshot.FollowUpgrades(model) is var end && end.Slug != model.Slug ? end.Slug
        : model.Upgrade.Model;

    private static List<ModelsReportAlias> AliasesOf(string slug, List<ModelsReportAlias> aliases) =>
        [.. aliases.Where(a => a.Slug.Equals(slug, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Null when unknown: the built-in catalogue, or a plan-restricted model with no plan in the token.</summary>
    private static bool? Usable(CatalogModel model, CatalogSnapshot snapshot) =>
        !snapshot.Live ? null
        : model.Plans is null ? true
        : snapshot.PlanType is null ? null
        : model.Plans.Contains(snapshot.PlanType, StringComparer.OrdinalIgnoreCase);
}

internal sealed record ModelsReportRow
{
    [JsonPropertyName("slug")] public required string Slug { get; init; }

    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }

    /// <summary>Null for an alias target the catalogue does not list.</summary>
    [JsonPropertyName("context_window")] public int? ContextWindow { get; init; }

    /// <summary>False for models the catalogue hides (usable, but not advertised).</summary>
    [JsonPropertyName("listed")] public bool Listed { get; init; }

    [JsonPropertyName("in_catalogue")] public bool InCatalogue { get; init; }

    /// <summary>Whether the account's plan can use it; null when unknown.</summary>
    [JsonPropertyName("usable")] public bool? Usable { get; init; }

    /// <summary>Set for a legacy model (the catalogue names an <c>upgrade</c>): the model that replaces it.</summary>
    [JsonPropertyName("replaced_by")] public string? ReplacedBy { get; init; }

    [JsonPropertyName("aliases")] public IReadOnlyList<ModelsReportAlias> Aliases { get; init; } = [];
}

internal sealed record ModelsReportAlias
{
    /// <summary><c>haiku</c>, <c>sonnet</c> or <c>opus</c>: every Claude name of that family maps here.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("slug")] public required string Slug { get; init; }

    /// <summary>The reasoning effort the mapping forces; null means the request's own effort is used.</summary>
    [JsonPropertyName("effort")] public string? Effort { get; init; }

    /// <summary>Set when the alias lands on a legacy model: what the catalogue replaces it with.</summary>
    [JsonPropertyName("replaced_by")] public string? ReplacedBy { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ModelsReport))]
internal sealed partial class ModelsReportJsonContext : JsonSerializerContext;
