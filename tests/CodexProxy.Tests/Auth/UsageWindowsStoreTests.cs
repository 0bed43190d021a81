using CodexProxy.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class UsageWindowsStoreTests
{
    [Fact]
    public void UsageHeaders_OnA429_AreRecordedInTheStateFile()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(Path.GetTempPath(), "cxp-usage-" + Guid.NewGuid().ToString("N"), "usage.json");
        var store = new UsageWindowsStore(path, time, NullLogger.Instance);
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.Add("x-codex-plan-type", "plus");
        response.Headers.Add("x-codex-primary-used-percent", "100");
        response.Headers.Add("x-codex-primary-window-minutes", "300");
        response.Headers.Add("x-codex-primary-reset-at", "1777640400");
        response.Headers.Add("x-codex-secondary-used-percent", "37.5");
        response.Headers.Add("x-codex-secondary-window-minutes", "10080");
        response.Headers.Add("x-codex-secondary-reset-after-seconds", "3600");

        store.OnResponseHeaders(response.Headers);
        var snapshot = store.TryRead()!;

        Assert.Equal("plus", snapshot.PlanType);
        Assert.Equal(100, snapshot.Primary!.UsedPercent);
        Assert.Equal("5-hour", snapshot.Primary.Label);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1777640400), snapshot.Primary.ResetsAt);
        Assert.Equal("Weekly", snapshot.Secondary!.Label);
        Assert.Equal(time.GetUtcNow().AddHours(1), snapshot.Secondary.ResetsAt);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void AnswerWithoutUsageHeaders_WritesNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), "cxp-usage-" + Guid.NewGuid().ToString("N"), "usage.json");
        var store = new UsageWindowsStore(path, TimeProvider.System, NullLogger.Instance);
        using var response = new HttpResponseMessage();

        store.OnResponseHeaders(response.Headers);

        Assert.False(File.Exists(path));
    }
}
