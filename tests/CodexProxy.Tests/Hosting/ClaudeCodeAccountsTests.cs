using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The real Claude Code CLI, headless, in a Bash tool loop through a proxy with two ChatGPT accounts: the default
/// account runs out of allowance mid-session (the real usage-limit 429, for that account only), and Claude Code keeps
/// going to its answer without seeing an error (its own retries are off), the later turns on the second account under
/// the same conversation key.
/// </summary>
[Trait("Category", "ClaudeCode")]
public sealed class ClaudeCodeAccountsTests
{
    private const string Work = "work";

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task AccountRunsOutMidSession_ClaudeCodeCarriesOnOnTheOtherAccount(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct);
        var loop = new MarkerCommandLoop(commands: 3);
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = loop.Respond;
        var defaultId = ProxyFixture.AccountIdFor("default");
        var workId = ProxyFixture.AccountIdFor(Work);
        fake.ExhaustAccount(defaultId, DateTimeOffset.UtcNow.AddHours(2), from: request => loop.Carries(request, 1));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work] }, ct);
        List<RecordedRequest> MainLoop() => [.. fake.Requests.Where(r => r.ToolNames.Contains("Bash"))];

        await MarkerCommandLoop.RunAsync(claude, proxy.BaseAddress, AnthropicRequests.Model, () => "main loop: "
            + string.Join("; ", MainLoop().Select(r => $"#{r.Number} {r.AccountId} key={r.PromptCacheKey} outputs={r.FunctionCallOutputTexts().Count()}")), ct);

        Assert.Empty(fake.Rejections);
        // The turn that brought the first marker's output hit the limit on the default account and was answered by
        // the work account; from then on every main-loop turn went to the work account, under one conversation key.
        var mainLoop = MainLoop();
        var limited = Assert.Single(mainLoop, r => r.AccountId == defaultId && loop.Carries(r, 1));
        var later = mainLoop.Where(r => r.Number > limited.Number).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, r => Assert.Equal(workId, r.AccountId));
        Assert.Contains(later, r => loop.Carries(r, loop.Commands));
        Assert.Equal(limited.PromptCacheKey, later[0].PromptCacheKey);
        Assert.Single(mainLoop.Select(r => r.PromptCacheKey).Distinct());
        Assert.NotNull(limited.PromptCacheKey);
        Assert.Contains(mainLoop, r => r.Number < limited.Number && r.AccountId == defaultId);
    }
}
