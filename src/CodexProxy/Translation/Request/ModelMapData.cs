using System.Text.Json.Serialization;

namespace CodexProxy.Translation.Request;

/// <summary>The built-in model table, read from the embedded <c>model-map.json</c>.</summary>
internal sealed record ModelMapData
{
    /// <summary>The Claude model ids Claude Code sends (current release first, then the ones older releases use):
    /// listed by <c>GET /v1/models</c>, each with the Codex model it maps to.</summary>
    [JsonPropertyName("claudeModels")] public IReadOnlyList<string> ClaudeModels { get; init; } = [];

    /// <summary>Claude families, matched by a case-insensitive substring of the requested name.</summary>
    [JsonPropertyName("families")] public IReadOnlyList<FamilyMapping> Families { get; init; } = [];

    /// <summary>For Claude names of no known family (e.g. <c>claude-fable-5</c>).</summary>
    [JsonPropertyName("claudeDefault")] public required ModelTarget ClaudeDefault { get; init; }

    /// <summary>Exact-name mappings for non-Claude names (retired slugs), used when passthrough is off.</summary>
    [JsonPropertyName("aliases")] public IReadOnlyList<AliasMapping> Aliases { get; init; } = [];

    /// <summary>Real slugs whose last segment looks like an effort suffix and must not be split.</summary>
    [JsonPropertyName("slugsEndingLikeAnEffort")] public IReadOnlyList<string> SlugsEndingLikeAnEffort { get; init; } = [];
}

internal record ModelTarget
{
    [JsonPropertyName("slug")] public required string Slug { get; init; }

    [JsonPropertyName("effort")] public string? Effort { get; init; }
}

internal sealed record FamilyMapping : ModelTarget
{
    [JsonPropertyName("family")] public required string Family { get; init; }
}

internal sealed record AliasMapping : ModelTarget
{
    [JsonPropertyName("name")] public required string Name { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelMapData))]
internal sealed partial class ModelMapJsonContext : JsonSerializerContext;
