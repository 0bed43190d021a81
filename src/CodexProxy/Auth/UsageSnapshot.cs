using System.Text.Json.Serialization;

namespace CodexProxy.Auth;

/// <summary>
/// The last-seen rate limits (the x-codex-* response headers and <c>codex.rate_limits</c> stream events), kept in
/// <c>usage.json</c>. <see cref="Primary"/>/<see cref="Secondary"/> are the <c>codex</c> family's two slots as the
/// backend sent them: which window is which is told by its length (<see cref="UsageWindow.WindowMinutes"/>), never by
/// the slot, because the weekly window can arrive in the primary slot. Files written before the other fields existed
/// still read.
/// </summary>
internal sealed record UsageSnapshot
{
    public const string CodexLimitId = "codex";

    [JsonPropertyName("observed_at")] public DateTimeOffset ObservedAt { get; init; }

    [JsonPropertyName("plan_type")] public string? PlanType { get; init; }

    [JsonPropertyName("primary")] public UsageWindow? Primary { get; init; }

    [JsonPropertyName("secondary")] public UsageWindow? Secondary { get; init; }

    /// <summary><c>x-codex-active-limit</c>: the limit family the answer (a 429 in particular) is about.</summary>
    [JsonPropertyName("active_limit")] public string? ActiveLimit { get; init; }

    /// <summary>Metered limit families other than <c>codex</c> (<c>x-&lt;limit&gt;-primary-used-percent</c>).</summary>
    [JsonPropertyName("other_limits")] public IReadOnlyList<UsageLimit>? OtherLimits { get; init; }

    [JsonPropertyName("credits")] public UsageCredits? Credits { get; init; }

    /// <summary>The 5-hour window, wherever it arrived.</summary>
    [JsonIgnore] public UsageWindow? FiveHour => CodexWindows.FirstOrDefault(w => w.WindowMinutes == UsageWindow.FiveHourMinutes);

    /// <summary>The weekly window, wherever it arrived.</summary>
    [JsonIgnore] public UsageWindow? Weekly => CodexWindows.FirstOrDefault(w => w.WindowMinutes == UsageWindow.WeeklyMinutes);

    [JsonIgnore] public bool HasWindows => Primary is not null || Secondary is not null || OtherLimits is { Count: > 0 };

    private IEnumerable<UsageWindow> CodexWindows => new[] { Primary, Secondary }.OfType<UsageWindow>();

    /// <summary>The <c>codex</c> family's windows labelled by length, shortest first; a window of unknown length is
    /// labelled by its slot.</summary>
    public IReadOnlyList<(string Label, UsageWindow Window)> LabelledWindows() => UsageLimit.Label(Primary, Secondary);

    /// <summary>
    /// The window that blocks requests: in the family named by <see cref="ActiveLimit"/> (<c>codex</c> when absent or
    /// unknown), the exhausted window (≥ 100 %) that resets last, else the fullest window. Null without windows.
    /// This is what a 429 "usage limit reached" message should name, with its <see cref="UsageWindow.ResetsAt"/>.
    /// </summary>
    public LimitingWindow? FindLimitingWindow()
    {
        var id = UsageLimit.NormalizeId(ActiveLimit);
        var family = id == CodexLimitId ? null : OtherLimits?.FirstOrDefault(l => l.LimitId == id);
        var labelled = family is null ? LabelledWindows() : family.LabelledWindows();
        var limiting = labelled
            .OrderByDescending(w => w.Window.UsedPercent >= 100)
            .ThenByDescending(w => w.Window.UsedPercent >= 100 ? w.Window.ResetsAt ?? DateTimeOffset.MinValue : DateTimeOffset.MinValue)
            .ThenByDescending(w => w.Window.UsedPercent)
            .Select(w => ((string Label, UsageWindow Window)?)w)
            .FirstOrDefault();
        return limiting is { } found
            ? new LimitingWindow(family?.LimitId ?? CodexLimitId, family?.LimitName, found.Label, found.Window)
            : null;
    }
}

/// <summary>The window a 429 is about. <paramref name="Label"/> is e.g. "5-hour" or "Weekly";
/// <paramref name="LimitName"/> names a limit family other than <c>codex</c> (e.g. a model's own limit).</summary>
internal sealed record LimitingWindow(string LimitId, string? LimitName, string Label, UsageWindow Window);

/// <summary>One metered limit family other than <c>codex</c>.</summary>
internal sealed record UsageLimit
{
    /// <summary>Lower case with underscores, as the CLI normalises it (<c>x-codex-other-…</c> → <c>codex_other</c>).</summary>
    [JsonPropertyName("limit_id")] public required string LimitId { get; init; }

    /// <summary><c>x-&lt;limit&gt;-limit-name</c>, e.g. the model the limit applies to.</summary>
    [JsonPropertyName("limit_name")] public string? LimitName { get; init; }

    [JsonPropertyName("primary")] public UsageWindow? Primary { get; init; }

    [JsonPropertyName("secondary")] public UsageWindow? Secondary { get; init; }

    [JsonIgnore] public string DisplayName => LimitName ?? LimitId;

    public IReadOnlyList<(string Label, UsageWindow Window)> LabelledWindows() => Label(Primary, Secondary);

    public static string NormalizeId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? UsageSnapshot.CodexLimitId : id.Trim().ToLowerInvariant().Replace('-', '_');

    internal static IReadOnlyList<(string Label, UsageWindow Window)> Label(UsageWindow? primary, UsageWindow? secondary)
    {
        var windows = new List<(string Label, UsageWindow Window)>();
        if (primary is not null)
        {
            windows.Add((primary.LengthLabel ?? "Primary window", primary));
        }

        if (secondary is not null)
        {
            windows.Add((secondary.LengthLabel ?? "Secondary window", secondary));
        }

        return [.. windows.OrderBy(w => w.Window.WindowMinutes ?? int.MaxValue)];
    }
}

/// <summary>Purchased credits (<c>x-codex-credits-*</c>).</summary>
internal sealed record UsageCredits
{
    [JsonPropertyName("has_credits")] public bool HasCredits { get; init; }

    [JsonPropertyName("unlimited")] public bool Unlimited { get; init; }

    [JsonPropertyName("balance")] public string? Balance { get; init; }
}

internal sealed record UsageWindow
{
    public const int FiveHourMinutes = 300;
    public const int WeeklyMinutes = 10080;

    [JsonPropertyName("used_percent")] public double UsedPercent { get; init; }

    [JsonPropertyName("window_minutes")] public int? WindowMinutes { get; init; }

    [JsonPropertyName("resets_at")] public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>"5-hour", "Weekly", or the length ("24-hour", "90-minute"); null when the length is unknown.</summary>
    [JsonIgnore]
    public string? LengthLabel => WindowMinutes switch
    {
        FiveHourMinutes => "5-hour",
        WeeklyMinutes => "Weekly",
        { } minutes and > 0 when minutes % 1440 == 0 => $"{minutes / 1440}-day",
        { } minutes and > 0 when minutes % 60 == 0 => $"{minutes / 60}-hour",
        { } minutes and > 0 => $"{minutes}-minute",
        _ => null,
    };

    /// <summary>The length label, or "Usage" when the length is unknown.</summary>
    [JsonIgnore] public string Label => LengthLabel ?? "Usage";
}
