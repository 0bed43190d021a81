using System.Globalization;
using System.Text.Json.Serialization;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting.OpenAI;
using CodexProxy.OpenAI;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;

namespace CodexProxy.Hosting;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c> in Anthropic's list format: the Claude names Claude Code uses
/// (the built-in table's <c>claudeModels</c>, with the Codex model each maps to), then the catalogue's listed models,
/// then the same models as <c>claude-codex-{slug}</c>: Claude Code's gateway model discovery
/// (<c>CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1</c>) keeps only ids containing "claude" or "anthropic", and shows
/// <c>display_name</c> and <c>description</c> in its model picker. <c>max_input_tokens</c> is the real Codex window.
/// </summary>
internal static class ModelsEndpoint
{
    /// <summary>The catalogue has no release dates; a fixed timestamp keeps the answer stable.</summary>
    private const string CreatedAt = "2026-01-01T00:00:00Z";

    public static void MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListAsync);
        app.MapGet("/v1/models/{id}", GetAsync);
    }

    public static IReadOnlyList<ModelEntry> Entries(CatalogSnapshot catalog, ModelMappingOptions mapping)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var entries = new List<ModelEntry>();
        foreach (var name in ModelResolver.BuiltInTable.ClaudeModels)
        {
            entries.Add(ClaudeEntry(name, catalog, mapping));
        }

        var listed = catalog.Usable.Where(m => m.Listed).ToList();
        foreach (var model in listed)
        {
            entries.Add(new ModelEntry(model.Slug, model.DisplayName, CreatedAt, model.ContextWindow) { Description = Window(model.ContextWindow) });
        }

        foreach (var model in listed)
        {
            entries.Add(new ModelEntry(ModelResolver.CodexModelPrefix + model.Slug, $"{model.DisplayName} (Codex)", CreatedAt, model.ContextWindow)
            {
                MapsTo = model.Slug,
                Description = $"Codex {model.Slug}, {Window(model.ContextWindow)}",
            });
        }

        return entries;
    }

    private static ModelEntry ClaudeEntry(string name, CatalogSnapshot catalog, ModelMappingOptions mapping)
    {
        var target = ModelResolver.Resolve(name, mapping, catalog);
        var window = catalog.Find(target.Slug)?.ContextWindow ?? ModelCatalog.DefaultContextWindow;
        var effort = target.Effort switch
        {
            null => string.Empty,
            _ when target.EffortIsDefault => $", effort {target.Effort} unless the request sets one",
            _ => $", effort {target.Effort}",
        };
        return new ModelEntry(name, $"{name} → {target.Slug}", CreatedAt, window)
        {
            MapsTo = target.Slug,
            Effort = target.Effort,
            Description = $"Codex {target.Slug}{effort}, {Window(window)}",
        };
    }

    private static string Window(int tokens) => string.Create(CultureInfo.InvariantCulture, $"{tokens:N0}-token context");

    private static async Task<IResult> ListAsync(HttpContext http, ModelCatalog catalog, ProxyOptions options)
    {
        if (OpenAIClients.Expects(http.Request))
        {
            return TypedResults.Json(OpenAIModelListing.List(await catalog.GetAsync(http.RequestAborted)), OpenAIJsonContext.Default.OpenAIModelList);
        }

        var all = Entries(await catalog.GetAsync(http.RequestAborted), options.Models);
        var query = http.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 20;
        var start = 0;
        var end = all.Count;
        if (query["after_id"].ToString() is { Length: > 0 } after)
        {
            start = IndexAfter(all, after);
        }
        else if (query["before_id"].ToString() is { Length: > 0 } before)
        {
            end = Math.Max(0, FindIndex(all, before));
            start = Math.Max(0, end - limit);
        }

        var page = all.Skip(start).Take(Math.Min(limit, end - start)).ToList();
        var hasMore = start + page.Count < end || (query["before_id"].Count > 0 && start > 0);
        var list = new ModelList(page, hasMore, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id);
        return TypedResults.Json(list, ModelsJsonContext.Default.ModelList);
    }

    private static async Task GetAsync(HttpContext http, string id, ModelCatalog catalog, ProxyOptions options)
    {
        var snapshot = await catalog.GetAsync(http.RequestAborted);
        if (OpenAIClients.Expects(http.Request))
        {
            await OpenAIModel(http, snapshot, id, options);
            return;
        }

        var entry = Entries(snapshot, options.Models).FirstOrDefault(e => e.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
        if (entry is null && ModelResolver.IsClaudeName(id))
        {
            // Any Claude name resolves (e.g. a dated or [1m] variant): describe what it maps to.
            entry = ClaudeEntry(id, snapshot, options.Models);
        }

        if (entry is null)
        {
            await ErrorResults.WriteAsync(http.Response, new ApiError(404, "not_found_error", $"model: '{id}' not found"), http.RequestAborted);
            return;
        }

        await TypedResults.Json(entry, ModelsJsonContext.Default.ModelEntry).ExecuteAsync(http);
    }

    private static Task OpenAIModel(HttpContext http, CatalogSnapshot snapshot, string id, ProxyOptions options) =>
        OpenAIModelListing.Find(snapshot, id, options.Models) is { } model
            ? TypedResults.Json(model, OpenAIJsonContext.Default.OpenAIModel).ExecuteAsync(http)
            : ErrorResults.WriteAsync(http.Response, new ApiError(404, "not_found_error", $"The model '{id}' does not exist or you do not have access to it."), http.RequestAborted);

    private static int FindIndex(IReadOnlyList<ModelEntry> entries, string id)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Id == id)
            {
                return i;
            }
        }

        return entries.Count;
    }

    private static int IndexAfter(IReadOnlyList<ModelEntry> entries, string id) => Math.Min(entries.Count, FindIndex(entries, id) + 1);
}

internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("created_at")] string CreatedAtUtc,
    [property: JsonPropertyName("max_input_tokens")] int MaxInputTokens)
{
    [JsonPropertyName("type")][JsonPropertyOrder(-1)] public string Type { get; init; } = "model";

    /// <summary>For Claude names: the Codex model the request is sent to.</summary>
    [JsonPropertyName("maps_to")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MapsTo { get; init; }

    [JsonPropertyName("reasoning_effort")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Effort { get; init; }

    /// <summary>Claude Code's model picker shows it under the name.</summary>
    [JsonPropertyName("description")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Description { get; init; }
}

internal sealed record ModelList(
    [property: JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data,
    [property: JsonPropertyName("has_more")] bool HasMore,
    [property: JsonPropertyName("first_id")] string? FirstId,
    [property: JsonPropertyName("last_id")] string? LastId);

[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;
