using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// The quota family of failures (usage limit, plan without Codex, no quota left) and when an allowance comes back:
/// from the body's <c>resets_at</c> / <c>resets_in_seconds</c>, else from the exhausted window's <c>x-codex-*</c> headers.
/// All three are a 429 <c>rate_limit_error</c> with <c>x-should-retry: false</c>: Claude Code shows a 429's message as it
/// is, and without the header it would resend the request ten times over three minutes for an answer that cannot change.
/// </summary>
internal sealed partial class UpstreamUsageLimits(TimeProvider time)
{
    public UpstreamFailure? Classify(CodexError error, HttpResponseHeaders? headers)
    {
        if (UpstreamFailureClassifier.Is(error, "usage_not_included"))
        {
            return new(UpstreamFailureKind.UsageNotIncluded, 429, "rate_limit_error",
                "Your ChatGPT plan does not include Codex. Upgrade to Plus or Pro, then retry.")
            { ClientShouldRetry = false };
        }

        var isLimit = UpstreamFailureClassifier.Is(error, "usage_limit_reached");
        if (!isLimit && !UpstreamFailureClassifier.Is(error, "insufficient_quota"))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var resetsAt = error.ResetsAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at)
            : error.ResetsInSeconds is { } seconds ? now.AddSeconds(seconds)
            : ResetFromHeaders(headers, now);
        var plan = (error.PlanType ?? Header(headers, "x-codex-plan-type")) is { Length: > 0 } p ? $"ChatGPT {p}" : "ChatGPT";
        var what = isLimit
            ? $"You have reached your {plan} usage limit for Codex."
            : $"Your {plan} account has no Codex quota left (insufficient_quota). Check your plan and credits.";
        var kind = isLimit ? UpstreamFailureKind.UsageLimit : UpstreamFailureKind.QuotaExhausted;
        if (resetsAt is not { } reset)
        {
            return new(kind, 429, "rate_limit_error", what) { ClientShouldRetry = false };
        }

        var wait = reset - now < TimeSpan.Zero ? TimeSpan.Zero : reset - now;
        return new(kind, 429, "rate_limit_error", $"{what} It resets at {FormatLocal(reset)} (in {FormatDuration(wait)}).")
        {
            ResetsAt = reset,
            RetryAfter = TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)),
            ClientShouldRetry = false,
        };
    }

    /// <summary>The wait a rate-limit message names ("Please try again in 20s", "in 1.5 seconds", "in 350ms"), rounded
    /// up to whole seconds, as the official client reads it.</summary>
    public static TimeSpan? TryAgainIn(string message)
    {
        var match = TryAgainPattern().Match(message);
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        var seconds = match.Groups["unit"].Value.Equals("ms", StringComparison.OrdinalIgnoreCase) ? amount / 1000 : amount;
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(seconds)));
    }

    internal static string FormatDuration(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{(int)span.TotalDays} d {span.Hours} h",
        { TotalHours: >= 1 } => $"{(int)span.TotalHours} h {span.Minutes} min",
        { TotalMinutes: >= 1 } => $"{(int)span.TotalMinutes} min",
        _ => $"{Math.Max(1, (int)Math.Ceiling(span.TotalSeconds))} s",
    };

    /// <summary>The latest reset among the exhausted windows of the limit family the 429 is about: until then the
    /// request is refused.</summary>
    private static DateTimeOffset? ResetFromHeaders(HttpResponseHeaders? headers, DateTimeOffset now)
    {
        var family = Header(headers, "x-codex-active-limit") is { } active && FamilyPattern().IsMatch(active) ? active : "codex";
        DateTimeOffset? latest = null;
        foreach (var window in (ReadOnlySpan<string>)["primary", "secondary"])
        {
            var prefix = $"x-{family}-{window}-";
            if (!double.TryParse(Header(headers, prefix + "used-percent"), CultureInfo.InvariantCulture, out var used) || used < 100)
            {
                continue;
            }

            DateTimeOffset? reset =
                long.TryParse(Header(headers, prefix + "reset-at"), CultureInfo.InvariantCulture, out var at) ? DateTimeOffset.FromUnixTimeSeconds(at)
                : long.TryParse(Header(headers, prefix + "reset-after-seconds"), CultureInfo.InvariantCulture, out var after) ? now.AddSeconds(after)
                : null;
            if (reset > (latest ?? DateTimeOffset.MinValue))
            {
                latest = reset;
            }
        }

        return latest;
    }

    private static string? Header(HttpResponseHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private string FormatLocal(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"try again in\s*(?<n>\d+(?:\.\d+)?)\s*(?<unit>ms|s|sec|secs|seconds?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TryAgainPattern();

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex FamilyPattern();
}
