using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// The body of <c>GET {CODEX_BASE_URL}/codex/models</c> (about 45 fields per model); only the fields the proxy uses
/// are modelled. The built-in catalogue (<c>Codex/built-in-models.json</c>) has the same shape.
/// </summary>
internal sealed record CodexModelList
{
    [JsonPropertyName("models")] public IReadOnlyList<CodexModelInfo> Models { get; init; } = [];
}

internal sealed record CodexModelInfo
{
    [JsonPropertyName("slug")] public required string Slug { get; init; }

    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }

    /// <summary><c>list</c> or <c>hide</c>; hidden models are usable but not advertised.</summary>
    [JsonPropertyName("visibility")] public string? Visibility { get; init; }

    /// <summary>Lower is more prominent; the official client's picker (and its default model) follow it.</summary>
    [JsonPropertyName("priority")] public int? Priority { get; init; }

    /// <summary>Plan types (<c>free</c>, <c>plus</c>, <c>pro</c>, …); absent means no restriction is known.</summary>
    [JsonPropertyName("available_in_plans")] public IReadOnlyList<string>? AvailableInPlans { get; init; }

    /// <summary>The backend leaves a model out when the request's <c>client_version</c> is below this.</summary>
    [JsonPropertyName("minimal_client_version")] public string? MinimalClientVersion { get; init; }

    /// <summary>The usable input window (272 000 for most current models).</summary>
    [JsonPropertyName("context_window")] public int? ContextWindow { get; init; }

    [JsonPropertyName("max_context_window")] public int? MaxContextWindow { get; init; }

    [JsonPropertyName("auto_compact_token_limit")] public int? AutoCompactTokenLimit { get; init; }

    [JsonPropertyName("default_reasoning_level")] public string? DefaultReasoningLevel { get; init; }

    [JsonPropertyName("supported_reasoning_levels")] public IReadOnlyList<CodexReasoningLevel>? SupportedReasoningLevels { get; init; }

    /// <summary><c>none</c>, <c>auto</c>, <c>concise</c> or <c>detailed</c>.</summary>
    [JsonPropertyName("default_reasoning_summary")] public string? DefaultReasoningSummary { get; init; }

    [JsonPropertyName("supports_reasoning_summaries")] public bool? SupportsReasoningSummaries { get; init; }

    /// <summary><c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    [JsonPropertyName("default_verbosity")] public string? DefaultVerbosity { get; init; }

    [JsonPropertyName("support_verbosity")] public bool? SupportVerbosity { get; init; }

    [JsonPropertyName("supports_parallel_tool_calls")] public bool? SupportsParallelToolCalls { get; init; }

    /// <summary>The request shape without top-level <c>tools</c> (they travel in an <c>additional_tools</c> input
    /// item) and with the <c>x-openai-internal-codex-responses-lite</c> header.</summary>
    [JsonPropertyName("use_responses_lite")] public bool? UseResponsesLite { get; init; }

    [JsonPropertyName("prefer_websockets")] public bool? PreferWebsockets { get; init; }

    /// <summary>Copied into every turn's <c>x-codex-turn-metadata</c>, as the official client does.</summary>
    [JsonPropertyName("node_repl_auto_review_required")] public bool? NodeReplAutoReviewRequired { get; init; }

    /// <summary>Copied into every turn's <c>x-codex-turn-metadata</c>, as the official client does.</summary>
    [JsonPropertyName("node_repl_disabled")] public bool? NodeReplDisabled { get; init; }

    /// <summary>Set on legacy models: the model that replaces it.</summary>
    [JsonPropertyName("upgrade")] public CodexModelUpgrade? Upgrade { get; init; }

    /// <summary><c>text</c>, <c>image</c>.</summary>
    [JsonPropertyName("input_modalities")] public IReadOnlyList<string>? InputModalities { get; init; }
}

internal sealed record CodexReasoningLevel
{
    /// <summary><c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>, <c>max</c>, <c>ultra</c> (not every model has all).</summary>
    [JsonPropertyName("effort")] public required string Effort { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }
}

internal sealed record CodexModelUpgrade
{
    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("migration_markdown")] public string? MigrationMarkdown { get; init; }
}

[JsonSerializable(typeof(CodexModelList))]
internal sealed partial class CodexModelListJsonContext : JsonSerializerContext;
