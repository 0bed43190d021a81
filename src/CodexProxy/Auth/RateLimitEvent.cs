using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>
/// The <c>codex.rate_limits</c> stream event: one limit family's windows, the credits and the plan, e.g.
/// <c>{"type":"codex.rate_limits","plan_type":"plus","rate_limits":{"primary":{"used_percent":12.0,"window_minutes":300,
/// "reset_at":1767230000},"secondary":{…}},"credits":{"has_credits":false,"unlimited":false,"balance":"0"},
/// "metered_limit_name":"codex"}</c> (the shape the official CLI parses). It updates the last snapshot rather than
/// replacing it: it speaks for one family only.
/// </summary>
internal static class RateLimitEvent
{
    public const string Type = "codex.rate_limits";

    /// <summary>The last snapshot updated with the event; null when the data is not such an event.</summary>
    public static UsageSnapshot? Apply(UsageSnapshot? previous, ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "type") != Type)
            {
                return null;
            }

            var limitId = UsageLimit.NormalizeId(String(root, "metered_limit_name") ?? String(root, "limit_name"));
            UsageWindow? primary = null, secondary = null;
            if (root.TryGetProperty("rate_limits", out var limits) && limits.ValueKind == JsonValueKind.Object)
            {
                primary = Window(limits, "primary");
                secondary = Window(limits, "secondary");
            }

            var snapshot = (previous ?? new UsageSnapshot()) with
            {
                ObservedAt = now,
                PlanType = String(root, "plan_type") ?? previous?.PlanType,
                Credits = Credits(root) ?? previous?.Credits,
            };
            if (limitId == UsageSnapshot.CodexLimitId)
            {
                return snapshot with { Primary = primary, Secondary = secondary };
            }

            var others = (previous?.OtherLimits ?? []).Where(l => l.LimitId != limitId).ToList();
            var existing = previous?.OtherLimits?.FirstOrDefault(l => l.LimitId == limitId);
            if (primary is not null || secondary is not null)
            {
                others.Add(new UsageLimit { LimitId = limitId, LimitName = existing?.LimitName, Primary = primary, Secondary = secondary });
            }

            return snapshot with { OtherLimits = others.Count > 0 ? [.. others.OrderBy(l => l.LimitId, StringComparer.Ordinal)] : null };
        }
    }

    private static UsageWindow? Window(JsonElement limits, string slot)
    {
        if (!limits.TryGetProperty(slot, out var window) || window.ValueKind != JsonValueKind.Object
            || !window.TryGetProperty("used_percent", out var used) || !used.TryGetDouble(out var percent))
        {
            return null;
        }

        int? minutes = window.TryGetProperty("window_minutes", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var mv) ? mv : null;
        DateTimeOffset? resetsAt = window.TryGetProperty("reset_at", out var r) && r.ValueKind == JsonValueKind.Number
            && r.TryGetInt64(out var at) && at is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(at)
            : null;
        return new UsageWindow { UsedPercent = percent, WindowMinutes = minutes, ResetsAt = resetsAt };
    }

    private static UsageCredits? Credits(JsonElement root)
    {
        if (!root.TryGetProperty("credits", out var credits) || credits.ValueKind != JsonValueKind.Object
            || !credits.TryGetProperty("has_credits", out var has) || has.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            || !credits.TryGetProperty("unlimited", out var unlimited) || unlimited.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return null;
        }

        return new UsageCredits { HasCredits = has.GetBoolean(), Unlimited = unlimited.GetBoolean(), Balance = String(credits, "balance") };
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
