using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Cli;

/// <summary><c>chatgpt-codex-proxy claude …</c> as a user runs it, with each pinned Claude Code version on PATH.</summary>
[Trait("Category", "ClaudeCode")]
public sealed partial class ClaudeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory(Timeout = 5 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task RunningProxy_IsReusedAndClaudeAnswersThroughIt(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-claude-");
        try
        {
            var bin = ClaudeCodeInstallation.LinkAsClaude(await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct), Path.Combine(temp.FullName, "bin"));
            await using var upstream = await FakeCodexUpstream.StartAsync(ct);
            upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
            await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
            var port = proxy.BaseAddress.Port;

            var (exitCode, stdout, stderr) = await CliTestSupport.RunCliAsync(
                ["claude", "-p", "Say hello.", "--model", "claude-sonnet-4-5", "--output-format", "text"],
                Variables(bin, temp.FullName, port), Timeout, ct);

            Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            Assert.Contains("Hello! Here is the list:", stdout, StringComparison.Ordinal);
            Assert.Contains($"Using local Codex proxy on :{port}", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Starting the proxy", stderr, StringComparison.Ordinal);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Theory(Timeout = 5 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task ClaudeFails_LauncherReturnsClaudesExitCode(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-claude-");
        try
        {
            var bin = ClaudeCodeInstallation.LinkAsClaude(await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct), Path.Combine(temp.FullName, "bin"));
            await using var upstream = await FakeCodexUpstream.StartAsync(ct);
            upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
            await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
            var port = proxy.BaseAddress.Port;

            // After "--" even options the launcher would otherwise claim go to claude, which rejects this one.
            var (exitCode, stdout, stderr) = await CliTestSupport.RunCliAsync(
                ["claude", "--", "--no-such-option-for-claude"], Variables(bin, temp.FullName, port), Timeout, ct);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("--no-such-option-for-claude", stdout + stderr, StringComparison.Ordinal);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Theory(Timeout = 5 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task NoProxyRunning_StartsOneInBackgroundThenRunsClaude(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-claude-");
        var port = ProxyFixture.FreePort();
        int? pid = null;
        try
        {
            var bin = ClaudeCodeInstallation.LinkAsClaude(await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct), Path.Combine(temp.FullName, "bin"));
            var variables = Variables(bin, temp.FullName, port);
            var (exitCode, stdout, stderr) = await CliTestSupport.RunCliAsync(["claude", "--version"], variables, Timeout, ct);
            pid = BackgroundPid().Match(stderr) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

            Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            Assert.Contains("Claude Code", stdout, StringComparison.Ordinal);
            Assert.Contains($"Starting the proxy on :{port} in the background", stderr, StringComparison.Ordinal);
            Assert.NotNull(pid);

            // The server outlives the launcher and keeps answering, logging to LOG_FILE, each line once.
            using var http = new HttpClient();
            var health = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/health"), ct);
            Assert.Contains("\"status\":\"ok\"", health, StringComparison.Ordinal);
            var log = await File.ReadAllLinesAsync(variables["LOG_FILE"], ct);
            Assert.Single(log, line => line.Contains($"Now listening on: http://127.0.0.1:{port}", StringComparison.Ordinal));
            Assert.Equal(log.Length, log.Distinct(StringComparer.Ordinal).Count());

            // `status` sees it, and `stop` ends it (verified by pid and start time).
            var (_, statusOut, _) = await CliTestSupport.RunCliAsync(["status"], variables, Timeout, ct);
            Assert.Contains("running in the background", statusOut, StringComparison.Ordinal);
            Assert.Contains(pid.Value.ToString(CultureInfo.InvariantCulture), statusOut, StringComparison.Ordinal);
            var (stopCode, stopOut, stopErr) = await CliTestSupport.RunCliAsync(["stop"], variables, Timeout, ct);
            Assert.True(stopCode == 0, stopOut + stopErr);
            Assert.Contains($"Stopped the background proxy on port {port} (pid {pid})", stopOut, StringComparison.Ordinal);
            pid = null;
        }
        finally
        {
            if (pid is { } id)
            {
                try
                {
                    using var server = Process.GetProcessById(id);
                    server.Kill();
                    await server.WaitForExitAsync(CancellationToken.None);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            temp.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Variables(string claudeBin, string temp, int port) => new()
    {
        ["PATH"] = claudeBin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
        ["HOME"] = Path.Combine(temp, "user-home"),
        ["CHATGPT_CODEX_PROXY_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["CHATGPT_CODEX_PROXY_HOME"] = Path.Combine(temp, "proxy-home"),
        ["LOG_FILE"] = Path.Combine(temp, "proxy.log"),
    };

    [GeneratedRegex(@"in the background \(pid (\d+)")]
    private static partial Regex BackgroundPid();
}
