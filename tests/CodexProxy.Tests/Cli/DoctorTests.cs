using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CodexProxy.Cli;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Cli;

public sealed class DoctorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task HealthyProxyAndSetup_AllChecksPassAndLogTailIsLast20Lines()
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-doctor-");
        try
        {
            await using var upstream = await FakeCodexUpstream.StartAsync(ct);
            upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
            await using var proxy = await ProxyFixture.StartAsync(
                upstream, new ProxyFixtureOptions { TokensExpireAt = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero) }, ct);
            var home = proxy.Home;
            var port = proxy.BaseAddress.Port;
            var log = Path.Combine(temp.FullName, "proxy.log");
            await File.WriteAllLinesAsync(log, Enumerable.Range(1, 200).Select(i => $"log line {i}"), ct);
            var environment = new Hashtable
            {
                ["CHATGPT_CODEX_PROXY_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["CHATGPT_CODEX_PROXY_HOME"] = home,
                ["CODEX_BASE_URL"] = upstream.BaseUrl.ToString(),
                ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{port}",
                ["ANTHROPIC_API_KEY"] = "dummy",
                ["CLAUDE_CODE_DISABLE_1M_CONTEXT"] = "1",
                ["LOG_FILE"] = log,
            };

            var (exitCode, report) = await RunAsync(environment, _ => [new PortOwner(Environment.ProcessId, "test host", CurrentUid)], ct);

            Assert.True(exitCode == 0, report);
            Assert.DoesNotContain("✗", report, StringComparison.Ordinal);
            Assert.DoesNotContain("hint:", report, StringComparison.Ordinal);
            Assert.Contains($"✓ Proxy answers http://127.0.0.1:{port}/health", report, StringComparison.Ordinal);
            Assert.Contains($"✓ Port {port} is held by the proxy: pid {Environment.ProcessId} (test host) of user", report, StringComparison.Ordinal);
            // tokens.json from the fixture expires at 2100-01-01.
            Assert.Contains("✓ Logged in", report, StringComparison.Ordinal);
            Assert.Contains("; access token expires in", report, StringComparison.Ordinal);
            Assert.Contains("(2100-01-01 00:00 UTC)", report, StringComparison.Ordinal);
            Assert.Contains("✓ Upstream", report, StringComparison.Ordinal);
            Assert.Contains("✓ ANTHROPIC_BASE_URL points at the proxy", report, StringComparison.Ordinal);
            Assert.Contains("✓ No conflicting ANTHROPIC_API_KEY", report, StringComparison.Ordinal);
            Assert.Contains("✓ CLAUDE_CODE_DISABLE_1M_CONTEXT is set", report, StringComparison.Ordinal);
            Assert.Contains("│ log line 181\n", report, StringComparison.Ordinal);
            Assert.Contains("│ log line 200\n", report, StringComparison.Ordinal);
            Assert.DoesNotContain("│ log line 180\n", report, StringComparison.Ordinal);
            Assert.Equal(20, report.Split('\n').Count(line => line.Contains("│ log line", StringComparison.Ordinal)));
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PortTakenNoLoginBadEnvironment_EveryFailureHasAFix()
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-doctor-");
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        try
        {
            var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
            var environment = new Hashtable
            {
                ["CHATGPT_CODEX_PROXY_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["CHATGPT_CODEX_PROXY_HOME"] = Path.Combine(temp.FullName, "empty-home"),
                ["CODEX_BASE_URL"] = $"http://127.0.0.1:{ProxyFixture.FreePort()}",
                ["ANTHROPIC_BASE_URL"] = "https://api.anthropic.com",
                ["ANTHROPIC_API_KEY"] = "sk-ant-api03-realkey",
                ["LOG_FILE"] = Path.Combine(temp.FullName, "missing.log"),
            };

            var (exitCode, report) = await RunAsync(environment, PortOwners.Find, ct);

            Assert.Equal(1, exitCode);
            var failures = report.Split('\n').Where(line => line.StartsWith('✗')).ToList();
            var hints = report.Split('\n').Where(line => line.StartsWith('•')).ToList();
            Assert.Equal(4, failures.Count);
            Assert.All(failures, line => Assert.Contains("→ fix: ", line, StringComparison.Ordinal));
            Assert.Contains(failures, line => line.Contains($"No proxy answers http://127.0.0.1:{port}/health", StringComparison.Ordinal));
            if (OperatingSystem.IsLinux())
            {
                // /proc names this very test process as the holder of the port.
                Assert.Contains(failures, line => line.Contains($"Port {port} is taken by another program: pid {Environment.ProcessId}", StringComparison.Ordinal)
                    && line.Contains($"kill {Environment.ProcessId}", StringComparison.Ordinal));
            }

            Assert.Contains(failures, line => line.Contains("Not logged in", StringComparison.Ordinal) && line.Contains("login", StringComparison.Ordinal));
            Assert.Contains(failures, line => line.Contains("unreachable", StringComparison.Ordinal));
            // Claude Code's environment only matters to people who start `claude` by hand: hints, each with its fix.
            Assert.Equal(3, hints.Count);
            Assert.All(hints, line => Assert.Contains("→ hint: ", line, StringComparison.Ordinal));
            Assert.Contains(hints, line => line.Contains("ANTHROPIC_BASE_URL is https://api.anthropic.com", StringComparison.Ordinal));
            Assert.Contains(hints, line => line.Contains("ANTHROPIC_API_KEY holds a real Anthropic key", StringComparison.Ordinal));
            Assert.Contains(hints, line => line.Contains("CLAUDE_CODE_DISABLE_1M_CONTEXT is not set", StringComparison.Ordinal)
                && line.Contains("export CLAUDE_CODE_DISABLE_1M_CONTEXT=1", StringComparison.Ordinal));
            Assert.Contains("✓ No log lines yet", report, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-ant-api03-realkey", report, StringComparison.Ordinal);
        }
        finally
        {
            squatter.Stop();
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ExpiredTokenWithoutRefreshToken_FailsWithLoginFix()
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-doctor-");
        try
        {
            var expired = Now.AddHours(-3).ToUnixTimeMilliseconds();
            await File.WriteAllTextAsync(Path.Combine(temp.FullName, "tokens.json"),
                $$"""{"access_token":"a","refresh_token":"","expires_at":{{expired}}}""", ct);
            var environment = new Hashtable
            {
                ["CHATGPT_CODEX_PROXY_PORT"] = ProxyFixture.FreePort().ToString(CultureInfo.InvariantCulture),
                ["CHATGPT_CODEX_PROXY_HOME"] = temp.FullName,
                ["CODEX_BASE_URL"] = $"http://127.0.0.1:{ProxyFixture.FreePort()}",
            };

            var (_, report) = await RunAsync(environment, _ => [], ct);

            Assert.Contains("✗ Logged in, but the access token expired 3 h 0 min ago and there is no refresh token  → fix: Run `chatgpt-codex-proxy login` again.",
                report, StringComparison.Ordinal);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void ProcNetTcp_ListeningSocketOnPort_YieldsItsInodeAndOwner()
    {
        const string table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:4AB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
               1: 0100007F:4AB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1
               2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 999 1 0000000000000000 100 0 0 10 0
            """;

        Assert.Equal([(123456L, 0u)], PortOwners.ListeningSockets(table, 19128));
        Assert.Equal([(999L, 1000u)], PortOwners.ListeningSockets(table, 8080));
        Assert.Empty(PortOwners.ListeningSockets(table, 19080));
    }

    [Fact]
    public async Task ProxyAndLoginAndUpstreamFine_ExitsZeroWithoutClaudeCodeEnvironment()
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-doctor-");
        try
        {
            await using var upstream = await FakeCodexUpstream.StartAsync(ct);
            upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
            await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
            var home = proxy.Home;
            var port = proxy.BaseAddress.Port;
            var environment = new Hashtable
            {
                ["CHATGPT_CODEX_PROXY_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["CHATGPT_CODEX_PROXY_HOME"] = home,
                ["CODEX_BASE_URL"] = upstream.BaseUrl.ToString(),
            };

            var (exitCode, report) = await RunAsync(environment, PortOwners.Find, ct);

            Assert.True(exitCode == 0, report);
            Assert.Contains("• ANTHROPIC_BASE_URL is not set in this shell", report, StringComparison.Ordinal);
            Assert.Contains("chatgpt-codex-proxy claude", report, StringComparison.Ordinal);
            Assert.Contains($"No log lines yet in {Path.Combine(home, "logs", "chatgpt-codex-proxy.log")}", report, StringComparison.Ordinal);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LogWithControlCharacters_ExcerptShowsThemEscaped()
    {
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-doctor-");
        try
        {
            var log = Path.Combine(temp.FullName, "proxy.log");
            await File.WriteAllTextAsync(log, "model=\u001b[31mred\u001b[0m path=/v1\rfake\n", ct);
            var environment = new Hashtable
            {
                ["CHATGPT_CODEX_PROXY_PORT"] = ProxyFixture.FreePort().ToString(CultureInfo.InvariantCulture),
                ["CHATGPT_CODEX_PROXY_HOME"] = temp.FullName,
                ["CODEX_BASE_URL"] = $"http://127.0.0.1:{ProxyFixture.FreePort()}",
                ["LOG_FILE"] = log,
            };

            var (_, report) = await RunAsync(environment, _ => [], ct);

            Assert.Contains("│ model=\\u001b[31mred\\u001b[0m path=/v1\\rfake\n", report, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', report);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LogThroughASymbolicLink_IsNotShown()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Symbolic links need privileges on Windows.");
        var ct = TestContext.Current.CancellationToken;
        var temp = Directory.CreateTempSubdirectory("cxp-doctor-");
        try
        {
            var secret = Path.Combine(temp.FullName, "someone-elses.txt");
            await File.WriteAllTextAsync(secret, "private line\n", ct);
            var log = Path.Combine(temp.FullName, "proxy.log");
            File.CreateSymbolicLink(log, secret);
            var environment = new Hashtable
            {
                ["CHATGPT_CODEX_PROXY_PORT"] = ProxyFixture.FreePort().ToString(CultureInfo.InvariantCulture),
                ["CHATGPT_CODEX_PROXY_HOME"] = temp.FullName,
                ["CODEX_BASE_URL"] = $"http://127.0.0.1:{ProxyFixture.FreePort()}",
                ["LOG_FILE"] = log,
            };

            var (_, report) = await RunAsync(environment, _ => [], ct);

            Assert.Contains($"• Log {log} is not shown: ", report, StringComparison.Ordinal);
            Assert.DoesNotContain("private line", report, StringComparison.Ordinal);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static uint CurrentUid => CodexProxy.Logging.FileStatus.EffectiveUserId;

    private static async Task<(int ExitCode, string Report)> RunAsync(
        Hashtable environment, Func<int, IReadOnlyList<PortOwner>> owners, CancellationToken ct)
    {
        using var http = new HttpClient();
        var output = new StringWriter(new StringBuilder()) { NewLine = "\n" };
        var exitCode = await new Doctor(environment, http, new FakeTimeProvider(Now), owners).RunAsync(output, ct);
        return (exitCode, output.ToString());
    }
}
