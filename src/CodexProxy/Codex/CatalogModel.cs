using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>What the catalogue (live or built-in) says about one model: the fields that shape a request.</summary>
internal sealed record CatalogModel
{
    /// <summary>Every effort the backend knows, weakest first; clamping walks down this order.</summary>
    public static readonly IReadOnlyList<string> EffortOrder = ["none", "minimal", "low", "medium", "high", "xhigh", "max", "ultra"];

    public required string Slug { get; init; }

    public required string DisplayName { get; init; }

    public string? Description { get; init; }

    /// <summary>False for models the catalogue hides (usable, but not advertised).</summary>
    public bool Listed { get; init; } = true;

    /// <summary>Lower is more prominent; <see cref="int.MaxValue"/> when the catalogue gives none.</summary>
    public int Priority { get; init; } = int.MaxValue;

    /// <summary>Null when the catalogue names no plan restriction.</summary>
    public IReadOnlyList<string>? Plans { get; init; }

    public string? MinimalClientVersion { get; init; }

    public int ContextWindow { get; init; } = ModelCatalog.DefaultContextWindow;

    public int? MaxContextWindow { get; init; }

    public int? AutoCompactTokenLimit { get; init; }

    public string? DefaultEffort { get; init; }

    /// <summary>Empty when the catalogue lists none (then no effort is clamped).</summary>
    public IReadOnlyList<CodexReasoningLevel> SupportedEfforts { get; init; } = [];

    public string? DefaultReasoningSummary { get; init; }

    public bool SupportsReasoningSummaries { get; init; }

    public string? DefaultVerbosity { get; init; }

    public bool SupportsVerbosity { get; init; }

    public bool SupportsParallelToolCalls { get; init; }

    /// <summary>The request goes out in the lite shape (tools in an <c>additional_tools</c> input item).</summary>
    public bool UsesResponsesLite { get; init; }

    public bool PrefersWebsockets { get; init; }

    /// <summary>Model traits the official client reports back in its turn metadata.</summary>
    public CodexModelTraits Traits { get; init; } = CodexModelTraits.Default;

    /// <summary>Set for a legacy model: what replaces it.</summary>
    public CodexModelUpgrade? Upgrade { get; init; }

    public IReadOnlyList<string> InputModalities { get; init; } = ["text", "image"];

    public static CatalogModel FromWire(CodexModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new CatalogModel
        {
            Slug = info.Slug,
            DisplayName = string.IsNullOrWhiteSpace(info.DisplayName) ? info.Slug : info.DisplayName,
            Description = info.Description,
            Listed = info.Visibility is null or "list",
            Priority = info.Priority ?? int.MaxValue,
            Plans = info.AvailableInPlans is { Count: > 0 } plans ? plans : null,
            MinimalClientVersion = info.MinimalClientVersion,
            ContextWindow = info.ContextWindow is > 0 and var window ? window : ModelCatalog.DefaultContextWindow,
            MaxContextWindow = info.MaxContextWindow,
            AutoCompactTokenLimit = info.AutoCompactTokenLimit,
            DefaultEffort = info.DefaultReasoningLevel,
            SupportedEfforts = info.SupportedReasoningLevels ?? [],
            DefaultReasoningSummary = info.DefaultReasoningSummary,
            SupportsReasoningSummaries = info.SupportsReasoningSummaries ?? false,
            DefaultVerbosity = info.DefaultVerbosity,
            SupportsVerbosity = info.SupportVerbosity ?? false,
            SupportsParallelToolCalls = info.SupportsParallelToolCalls ?? false,
            UsesResponsesLite = info.UseResponsesLite ?? false,
            PrefersWebsockets = info.PreferWebsockets ?? false,
            Traits = new CodexModelTraits(info.NodeReplAutoReviewRequired ?? false, info.NodeReplDisabled ?? false),
            Upgrade = info.Upgrade is { Model.Length: > 0 } upgrade ? upgrade : null,
            InputModalities = info.InputModalities ?? ["text", "image"],
        };
    }

    /// <summary>The effort itself when the model supports it (or lists no levels); otherwise the nearest lower
    /// supported level, or the model's weakest one when none is lower. Unknown names pass through unchanged.</summary>
    public string ClampEffort(string effort)
    {
        ArgumentNullException.ThrowIfNull(effort);
        if (SupportedEfforts.Count == 0 || Supports(effort))
        {
            return effort;
        }

        var rank = IndexOf(effort);
        if (rank < 0)
        {
            return effort;
        }

        for (var i = rank - 1; i >= 0; i--)
        {
            if (Supports(EffortOrder[i]))
            {
                return EffortOrder[i];
            }
        }

        return SupportedEfforts.MinBy(level => IndexOf(level.Effort) is >= 0 and var index ? index : int.MaxValue)!.Effort;
    }

    public bool Supports(string effort) =>
        SupportedEfforts.Any(level => level.Effort.Equals(effort, StringComparison.OrdinalIgnoreCase));

    public bool AvailableOn(string? plan) => plan is null || Plans is null || Plans.Contains(plan, StringComparer.OrdinalIgnoreCase);

    private static int IndexOf(string effort)
    {
        for (var i = 0; i < EffortOrder.Count; i++)
        {
            if (EffortOrder[i].Equals(effort, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
