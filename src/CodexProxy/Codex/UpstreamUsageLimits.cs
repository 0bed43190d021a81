using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Formatting;

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
            : LimitingWindow(headers, now)?.Window.ResetsAt;
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
        return new(kind, 429, "rate_limit_error", $"{what} It resets at {FormatLocal(reset)} (in {DurationText.Format(wait)}).")
        {
            ResetsAt = reset,
            RetryAfter = TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)),
            ClientShouldRetry = false,
        };
    }

    /// <summary>The failures that another ChatGPT account may not have: its own usage limit, quota or plan.</summary>
    public static bool IsAccountLimit(UpstreamFailure failure) =>
        failure.Kind is UpstreamFailureKind.UsageLimit or UpstreamFailureKind.QuotaExhausted or UpstreamFailureKind.UsageNotIncluded;

    /// <summary>The usual usage-limit 429 when every one of <paramref name="accounts"/> accounts is limited, naming the
    /// soonest reset among them (<paramref name="soonest"/>); <paramref name="last"/> is the last account's answer.</summary>
    public UpstreamFailure OnEveryAccount(UpstreamFailure last, DateTimeOffset? soonest, int accounts)
    {
        ArgumentNullException.ThrowIfNull(last);
        var what = $"Every one of your {accounts} ChatGPT accounts has reached its usage limit for Codex.";
        if (soonest is not { } reset)
        {
            return last with { Kind = UpstreamFailureKind.UsageLimit, Message = what, ResetsAt = null, RetryAfter = null, ClientShouldRetry = false };
        }

        var now = time.GetUtcNow();
        var wait = reset - now < TimeSpan.Zero ? TimeSpan.Zero : reset - now;
        return last with
        {
            Kind = UpstreamFailureKind.UsageLimit,
            Message = $"{what} The first resets at {FormatLocal(reset)} (in {DurationText.Format(wait)}).",
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

    /// <summary>The window the 429 is about (the family <c>x-codex-active-limit</c> names, else <c>codex</c>), read by the
    /// same parser that keeps <c>usage.json</c>.</summary>
    private static LimitingWindow? LimitingWindow(HttpResponseHeaders? headers, DateTimeOffset now) =>
        headers is null ? null : RateLimitHeaders.Parse(headers, now)?.FindLimitingWindow();

    private static string? Header(HttpResponseHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private string FormatLocal(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"try again in\s*(?<n>\d+(?:\.\d+)?)\s*(?<unit>ms|s|sec|secs|seconds?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TryAgainPattern();

}
