using System.Text.Json.Serialization;

namespace CodexProxy.Auth;

/// <summary>The last-seen usage windows (from the x-codex-* response headers), kept in <c>usage.json</c>.</summary>
internal sealed record UsageSnapshot
{
    [JsonPropertyName("observed_at")] public DateTimeOffset ObservedAt { get; init; }

    [JsonPropertyName("plan_type")] public string? PlanType { get; init; }

    /// <summary>The short window (5 hours on paid plans).</summary>
    [JsonPropertyName("primary")] public UsageWindow? Primary { get; init; }

    /// <summary>The long window (weekly).</summary>
    [JsonPropertyName("secondary")] public UsageWindow? Secondary { get; init; }
}

internal sealed record UsageWindow
{
    [JsonPropertyName("used_percent")] public double UsedPercent { get; init; }

    [JsonPropertyName("window_minutes")] public int? WindowMinutes { get; init; }

    [JsonPropertyName("resets_at")] public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>"5-hour", "weekly", or the length in minutes.</summary>
    [JsonIgnore]
    public string Label => WindowMinutes switch
    {
        300 => "5-hour",
        10080 => "Weekly",
        { } minutes when minutes % 60 == 0 => $"{minutes / 60}-hour",
        { } minutes => $"{minutes}-minute",
        null => "Usage",
    };
}
