using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

/// <summary>The body of <c>GET {CODEX_BASE_URL}/codex/models</c>; only the fields the proxy uses.</summary>
internal sealed record CodexModelList
{
    [JsonPropertyName("models")] public IReadOnlyList<CodexModelInfo> Models { get; init; } = [];
}

internal sealed record CodexModelInfo
{
    [JsonPropertyName("slug")] public required string Slug { get; init; }

    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }

    /// <summary><c>list</c> or <c>hide</c>; hidden models are usable but not advertised.</summary>
    [JsonPropertyName("visibility")] public string? Visibility { get; init; }

    /// <summary>The usable input window (272 000 for current models).</summary>
    [JsonPropertyName("context_window")] public int? ContextWindow { get; init; }

    /// <summary>Plan types (<c>free</c>, <c>plus</c>, <c>pro</c>, …); absent means no restriction is known.</summary>
    [JsonPropertyName("available_in_plans")] public IReadOnlyList<string>? AvailableInPlans { get; init; }
}

[JsonSerializable(typeof(CodexModelList))]
internal sealed partial class CodexModelListJsonContext : JsonSerializerContext;
