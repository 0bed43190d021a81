using System.Globalization;
using System.Net.Http.Headers;

namespace CodexProxy.Auth;

/// <summary>
/// Reads every rate-limit header family of a Codex answer, as the official CLI does: the <c>codex</c> family
/// (<c>x-codex-primary-*</c>, <c>x-codex-secondary-*</c>), every other family that sends
/// <c>x-&lt;limit&gt;-primary-used-percent</c> (with its <c>x-&lt;limit&gt;-limit-name</c>), the credits
/// (<c>x-codex-credits-*</c>), the plan and <c>x-codex-active-limit</c>. Pure: the error mapper can call it on a 429's
/// headers and ask the result which window ran out (<see cref="UsageSnapshot.FindLimitingWindow"/>).
/// </summary>
internal static class RateLimitHeaders
{
    private const string PrimaryUsedSuffix = "-primary-used-percent";

    /// <summary>Null when the answer carried no window and no credits.</summary>
    public static UsageSnapshot? Parse(HttpHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, headerValues) in headers)
        {
            if (name.StartsWith("x-", StringComparison.OrdinalIgnoreCase) && headerValues.FirstOrDefault() is { } value)
            {
                values[name] = value.Trim();
            }
        }

        return Parse(values, now);
    }

    /// <summary>The same from plain name/value pairs (names case-insensitive).</summary>
    public static UsageSnapshot? Parse(IReadOnlyDictionary<string, string> headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? Get(string name) => headers.TryGetValue(name, out var value) ? value.Trim() : null;

        var others = headers.Keys
            .Where(name => name.StartsWith("x-", StringComparison.OrdinalIgnoreCase) && name.EndsWith(PrimaryUsedSuffix, StringComparison.OrdinalIgnoreCase))
            .Select(name => name[2..^PrimaryUsedSuffix.Length].ToLowerInvariant())
            .Where(prefix => prefix.Length > 0 && prefix != UsageSnapshot.CodexLimitId)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(prefix => new UsageLimit
            {
                LimitId = UsageLimit.NormalizeId(prefix),
                LimitName = NonEmpty(Get($"x-{prefix}-limit-name")),
                Primary = Window(Get, $"x-{prefix}-primary", now),
                Secondary = Window(Get, $"x-{prefix}-secondary", now),
            })
            .Where(limit => limit.Primary is not null || limit.Secondary is not null)
            .ToList();

        var snapshot = new UsageSnapshot
        {
            ObservedAt = now,
            PlanType = NonEmpty(Get("x-codex-plan-type")),
            Primary = Window(Get, "x-codex-primary", now),
            Secondary = Window(Get, "x-codex-secondary", now),
            ActiveLimit = NonEmpty(Get("x-codex-active-limit")) is { } active ? UsageLimit.NormalizeId(active) : null,
            OtherLimits = others.Count > 0 ? others : null,
            Credits = Credits(Get),
        };
        return snapshot.HasWindows || snapshot.Credits is not null ? snapshot : null;
    }

    /// <summary>A window counts only if used-percent parses and something says it exists (used &gt; 0, a length or
    /// a reset), the CLI's rule. The reset is <c>reset-at</c> (epoch seconds), else <c>reset-after-seconds</c>.</summary>
    private static UsageWindow? Window(Func<string, string?> get, string prefix, DateTimeOffset now)
    {
        if (!double.TryParse(get($"{prefix}-used-percent"), NumberStyles.Float, CultureInfo.InvariantCulture, out var used) || !double.IsFinite(used))
        {
            return null;
        }

        int? minutes = int.TryParse(get($"{prefix}-window-minutes"), CultureInfo.InvariantCulture, out var m) ? m : null;
        DateTimeOffset? resetsAt =
            long.TryParse(get($"{prefix}-reset-at"), CultureInfo.InvariantCulture, out var at) && at is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(at)
            : long.TryParse(get($"{prefix}-reset-after-seconds"), CultureInfo.InvariantCulture, out var after) && after is >= 0 and < 100L * 365 * 86400
                ? DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + after)
            : null;
        return used == 0 && minutes is null or 0 && resetsAt is null
            ? null
            : new UsageWindow { UsedPercent = used, WindowMinutes = minutes, ResetsAt = resetsAt };
    }

    private static UsageCredits? Credits(Func<string, string?> get) =>
        Bool(get("x-codex-credits-has-credits")) is { } hasCredits && Bool(get("x-codex-credits-unlimited")) is { } unlimited
            ? new UsageCredits { HasCredits = hasCredits, Unlimited = unlimited, Balance = NonEmpty(get("x-codex-credits-balance")) }
            : null;

    /// <summary><c>true</c>/<c>false</c> in any case (the backend sends <c>True</c>), or <c>1</c>/<c>0</c>.</summary>
    internal static bool? Bool(string? value) =>
        value is null ? null
        : value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" ? true
        : value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0" ? false
        : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
