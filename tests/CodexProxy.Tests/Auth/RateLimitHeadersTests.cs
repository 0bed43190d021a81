using System.Text;
using System.Text.Json;
using CodexProxy.Auth;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WeeklyWindowInThePrimarySlot_IsLabelledWeekly()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(
            ("x-codex-plan-type", "free"),
            ("x-codex-primary-used-percent", "42"),
            ("x-codex-primary-window-minutes", "10080"),
            ("x-codex-primary-reset-at", "1767600000")), Now)!;

        Assert.Null(snapshot.FiveHour);
        Assert.Same(snapshot.Primary, snapshot.Weekly);
        Assert.Equal([("Weekly", snapshot.Primary!)], snapshot.LabelledWindows());
    }

    [Fact]
    public void EveryFamily_CreditsAndActiveLimit_AreRead()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(
            ("X-Codex-Active-Limit", "codex_other"),
            ("x-codex-primary-used-percent", "12"),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-primary-reset-after-seconds", "600"),
            ("x-codex-secondary-used-percent", "31"),
            ("x-codex-secondary-window-minutes", "10080"),
            ("x-codex-other-primary-used-percent", "100"),
            ("x-codex-other-primary-window-minutes", "300"),
            ("x-codex-other-primary-reset-at", "1767240000"),
            ("x-codex-other-limit-name", "gpt-6-astra"),
            ("x-codex-credits-has-credits", "True"),
            ("x-codex-credits-unlimited", "0"),
            ("x-codex-credits-balance", "12.50")), Now)!;

        Assert.Equal("codex_other", snapshot.ActiveLimit);
        Assert.Equal(Now.AddMinutes(10), snapshot.FiveHour!.ResetsAt);
        Assert.Equal(31, snapshot.Weekly!.UsedPercent);
        var other = Assert.Single(snapshot.OtherLimits!);
        Assert.Equal("codex_other", other.LimitId);
        Assert.Equal("gpt-6-astra", other.LimitName);
        Assert.Equal(100, other.Primary!.UsedPercent);
        Assert.Equal(new UsageCredits { HasCredits = true, Unlimited = false, Balance = "12.50" }, snapshot.Credits);
    }

    [Fact]
    public void LimitingWindow_IsTheActiveFamilysExhaustedWindow()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(
            ("x-codex-active-limit", "codex_other"),
            ("x-codex-primary-used-percent", "12"),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-other-primary-used-percent", "100"),
            ("x-codex-other-primary-window-minutes", "300"),
            ("x-codex-other-primary-reset-at", "1767240000"),
            ("x-codex-other-limit-name", "gpt-6-astra")), Now)!;

        var limiting = snapshot.FindLimitingWindow()!;

        Assert.Equal("gpt-6-astra", limiting.LimitName);
        Assert.Equal("5-hour", limiting.Label);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767240000), limiting.Window.ResetsAt);
    }

    [Fact]
    public void LimitingWindow_WhenBothWindowsAreExhausted_IsTheOneThatResetsLast()
    {
        // The weekly window arrives in the primary slot here: the label comes from its length.
        var snapshot = RateLimitHeaders.Parse(Headers(
            ("x-codex-active-limit", "codex"),
            ("x-codex-primary-used-percent", "100"),
            ("x-codex-primary-window-minutes", "10080"),
            ("x-codex-primary-reset-at", "1767600000"),
            ("x-codex-secondary-used-percent", "100"),
            ("x-codex-secondary-window-minutes", "300"),
            ("x-codex-secondary-reset-at", "1767240000")), Now)!;

        var limiting = snapshot.FindLimitingWindow()!;

        Assert.Null(limiting.LimitName);
        Assert.Equal("Weekly", limiting.Label);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767600000), limiting.Window.ResetsAt);
    }

    [Fact]
    public void ZeroUsageWithoutLengthOrReset_IsNoWindow_AndNothingIsNoSnapshot()
    {
        Assert.Null(RateLimitHeaders.Parse(Headers(("x-codex-primary-used-percent", "0"), ("x-request-id", "r")), Now));
    }

    [Fact]
    public void RateLimitEvent_UpdatesItsFamily_AndKeepsTheOthers()
    {
        var previous = RateLimitHeaders.Parse(Headers(
            ("x-codex-primary-used-percent", "12"),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-other-primary-used-percent", "50"),
            ("x-codex-other-primary-window-minutes", "300"),
            ("x-codex-other-limit-name", "gpt-6-astra")), Now);
        var data = Encoding.UTF8.GetBytes("""
            {"type":"codex.rate_limits","plan_type":"pro","rate_limits":{"primary":{"used_percent":7.5,"window_minutes":10080,"reset_at":1767600000},"secondary":{"used_percent":20,"window_minutes":300,"reset_at":1767240000}},"credits":{"has_credits":true,"unlimited":true,"balance":null},"metered_limit_name":"codex"}
            """);

        var updated = RateLimitEvent.Apply(previous, data, Now.AddMinutes(1))!;

        Assert.Equal("pro", updated.PlanType);
        Assert.Equal(7.5, updated.Weekly!.UsedPercent);
        Assert.Equal(20, updated.FiveHour!.UsedPercent);
        Assert.Equal("gpt-6-astra", Assert.Single(updated.OtherLimits!).LimitName);
        Assert.True(updated.Credits!.Unlimited);
        Assert.Equal(Now.AddMinutes(1), updated.ObservedAt);
    }

    [Fact]
    public void UsageFileFromBeforeTheFamilies_StillReads()
    {
        const string old = """{"observed_at":"2026-05-01T12:00:00+00:00","plan_type":"plus","primary":{"used_percent":100,"window_minutes":300,"resets_at":"2026-05-01T13:00:00+00:00"},"secondary":{"used_percent":37.5,"window_minutes":10080}}""";

        var snapshot = JsonSerializer.Deserialize(old, AuthJsonContext.Default.UsageSnapshot)!;

        Assert.Equal(100, snapshot.FiveHour!.UsedPercent);
        Assert.Equal(37.5, snapshot.Weekly!.UsedPercent);
        Assert.Null(snapshot.OtherLimits);
        Assert.Equal("5-hour", snapshot.FindLimitingWindow()!.Label);
    }

    private static Dictionary<string, string> Headers(params (string Name, string Value)[] headers) =>
        headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
}
