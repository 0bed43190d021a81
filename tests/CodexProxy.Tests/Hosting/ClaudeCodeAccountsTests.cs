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
    private const string FinalText = "All marker commands ran.";
    private const string Prompt = "Run the marker commands with the Bash tool one at a time, then tell me they all ran.";
    private const int MarkerCount = 3;
    private const string Work = "work";

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task AccountRunsOutMidSession_ClaudeCodeCarriesOnOnTheOtherAccount(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct);
        var id = Guid.NewGuid().ToString("N");
        string Marker(int index) => $"MARKER_{index}_{id}";
        bool Carries(RecordedRequest request, int index) =>
            request.FunctionCallOutputTexts().Any(output => output.Contains(Marker(index), StringComparison.Ordinal));

        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = request => Respond(request, Marker, Carries);
        var defaultId = ProxyFixture.AccountIdFor("default");
        var workId = ProxyFixture.AccountIdFor(Work);
        fake.ExhaustAccount(defaultId, DateTimeOffset.UtcNow.AddHours(2), from: request => Carries(request, 1));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work] }, ct);
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(
                ClaudeCodeTests.StartInfo(claude, proxy.BaseAddress, home.FullName, workDir.FullName, Prompt, AnthropicRequests.Model),
                TimeSpan.FromMinutes(3),
                ct);

            var mainLoop = fake.Requests.Where(r => r.ToolNames.Contains("Bash")).ToList();
            var diagnostics = $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}\nmain loop: "
                + string.Join("; ", mainLoop.Select(r => $"#{r.Number} {r.AccountId} key={r.PromptCacheKey} outputs={r.FunctionCallOutputTexts().Count()}"));
            var result = ClaudeCodeTests.ParseEvents(stdout).LastOrDefault(e => e.GetProperty("type").ValueEquals("result"));
            Assert.True(result.ValueKind == System.Text.Json.JsonValueKind.Object, "no result event\n" + diagnostics);
            Assert.False(result.GetProperty("is_error").GetBoolean(), diagnostics);
            Assert.Equal(FinalText, result.GetProperty("result").GetString());
            Assert.Equal(0, exitCode);
            Assert.Empty(fake.Rejections);

            // The turn that brought the first marker's output hit the limit on the default account and was answered by
            // the work account; from then on every main-loop turn went to the work account, under one conversation key.
            var limited = Assert.Single(mainLoop, r => r.AccountId == defaultId && Carries(r, 1));
            var later = mainLoop.Where(r => r.Number > limited.Number).ToList();
            Assert.NotEmpty(later);
            Assert.All(later, r => Assert.Equal(workId, r.AccountId));
            Assert.Contains(later, r => Carries(r, MarkerCount));
            Assert.Equal(limited.PromptCacheKey, later[0].PromptCacheKey);
            Assert.Single(mainLoop.Select(r => r.PromptCacheKey).Distinct());
            Assert.NotNull(limited.PromptCacheKey);
            Assert.Contains(mainLoop, r => r.Number < limited.Number && r.AccountId == defaultId);
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }

    /// <summary>The main loop (it offers Bash) runs one marker command per turn, then answers; side calls get a short text.</summary>
    private static SseScenario Respond(RecordedRequest request, Func<int, string> marker, Func<RecordedRequest, int, bool> carries)
    {
        if (!request.ToolNames.Contains("Bash"))
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", "OK");
        }

        var ran = Enumerable.Range(1, MarkerCount).Count(index => carries(request, index));
        if (ran == MarkerCount)
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", FinalText);
        }

        var tool = UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", $"echo {marker(ran + 1)}");
        return tool with { Sse = tool.Sse.Replace("call_e2e_bash", $"call_e2e_bash_{ran + 1}", StringComparison.Ordinal) };
    }
}
