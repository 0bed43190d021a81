using System.Text.Json;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// A real browser (headless Chromium) on hostile pages tries every request a page can make to a local server without
/// the server's consent, plus a DNS-rebinding attack; the fake Codex backend must receive nothing. The same proxy then
/// serves a same-machine SDK-style request.
/// </summary>
public sealed class BrowserAttackTests
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task HostilePagesInChromium_SpendNothing_AndLocalClientsStillWork()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = await ProxyHarness.StartAsync();
        var target = proxy.Client.BaseAddress!;
        await using var site = await AttackerSite.StartAsync(name => BrowserAttackPages.CrossSite(target, name), ct);
        var rebindOrigin = new Uri($"http://evil.test:{target.Port}");
        site.StartRebinding(target, "/rebind.html", BrowserAttackPages.Rebinding(new Uri(site.Origin, "/report?page=rebind")));

        string crossSite;
        using (await ChromiumBrowser.OpenAsync(new Uri(site.Origin, "/attack.html"), null, ct))
        {
            crossSite = await site.ReportAsync("attack").WaitAsync(PageTimeout, ct);
        }

        // The page tried every form; only the JSON POST was stopped, by the browser, after the proxy refused its preflight ...
        var tried = JsonSerializer.Deserialize<string[]>(crossSite)!;
        Assert.Equal(BrowserAttackPages.CrossSiteAttempts, tried.Length);
        Assert.All(tried, attempt => Assert.EndsWith(
            attempt.StartsWith(BrowserAttackPages.PreflightedAttempt, StringComparison.Ordinal) ? ":TypeError" : ":sent", attempt, StringComparison.Ordinal));
        // ... and the proxy forwarded none of them: it refused every request that reached it, at the edge.
        await FaultMatrixTests.WaitUntilAsync(
            () => proxy.Upstream.Attempts > 0 || Refusals(proxy) >= BrowserAttackPages.CrossSiteRequestsThatReachTheProxy, 20_000);
        Assert.Equal(0, proxy.Upstream.Attempts);

        string rebinding;
        using (await ChromiumBrowser.OpenAsync(new Uri(rebindOrigin, "/rebind.html"), "MAP evil.test 127.0.0.2", ct))
        {
            rebinding = await site.ReportAsync("rebind").WaitAsync(PageTimeout, ct);
        }

        // The rebound page, same-origin with the proxy in the browser's eyes, could read only refusals.
        var rebound = JsonSerializer.Deserialize<string[]>(rebinding)!;
        Assert.Equal(3, rebound.Length);
        Assert.All(rebound, answer => Assert.Contains(":403:", answer, StringComparison.Ordinal));
        Assert.All(rebound, answer => Assert.Contains("permission_error", answer, StringComparison.Ordinal));
        Assert.Equal(0, proxy.Upstream.Attempts);

        var (status, _, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));
        Assert.Equal(200, status);
        Assert.Equal(1, proxy.Upstream.Attempts);
    }

    private static int Refusals(ProxyHarness proxy) =>
        proxy.Console.ToString().Split('\n').Count(static line => line.Contains("Refused a", StringComparison.Ordinal));
}
