namespace CodexProxy.Tests.Fakes;

/// <summary>The <c>x-codex-*</c> usage headers the backend sends with answers (as the official Codex CLI reads them).</summary>
internal static class UsageHeaders
{
    public static IEnumerable<KeyValuePair<string, string>> Normal(string plan = "plus") =>
    [
        new("x-codex-active-limit", "codex"),
        new("x-codex-plan-type", plan),
        new("x-codex-primary-used-percent", "12"),
        new("x-codex-primary-window-minutes", "300"),
        new("x-codex-primary-reset-at", "1767240000"),
        new("x-codex-primary-reset-after-seconds", "14400"),
        new("x-codex-secondary-used-percent", "31"),
        new("x-codex-secondary-window-minutes", "10080"),
        new("x-codex-secondary-reset-at", "1767600000"),
        new("x-codex-secondary-reset-after-seconds", "374400"),
        new("x-codex-primary-over-secondary-limit-percent", "0"),
        new("x-codex-credits-has-credits", "False"),
        new("x-codex-credits-unlimited", "False"),
        new("x-codex-credits-balance", "0"),
    ];

    public static IEnumerable<KeyValuePair<string, string>> Exhausted(string plan, string resetAt, string resetAfterSeconds) =>
    [
        new("x-codex-active-limit", "codex"),
        new("x-codex-plan-type", plan),
        new("x-codex-primary-used-percent", "100"),
        new("x-codex-primary-window-minutes", "300"),
        new("x-codex-primary-reset-at", resetAt),
        new("x-codex-primary-reset-after-seconds", resetAfterSeconds),
        new("x-codex-secondary-used-percent", "64"),
        new("x-codex-secondary-window-minutes", "10080"),
        new("x-codex-credits-has-credits", "False"),
        new("x-codex-credits-unlimited", "False"),
    ];
}
