using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using CodexProxy.Cli;
using CodexProxy.Logging;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Cli;

/// <summary>The launcher's decisions, with a stand-in <c>claude</c> that records the environment it was given.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClaudeLauncherTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("cxp-launcher-");

    private string EnvironmentDump => Path.Combine(_temp.FullName, "claude-env.txt");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task AnotherUsersProxyOnThePort_IsRefusedWithWhoHoldsItAndHowToPickAnotherPort()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var port = proxy.BaseAddress.Port;
        var stranger = FileStatus.EffectiveUserId + 1;

        var (exitCode, status) = await RunAsync(port, _ => [new PortOwner(4242, "chatgpt-codex-proxy start", stranger)], ct);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Port {port} is held by pid 4242 (chatgpt-codex-proxy start) of user", status, StringComparison.Ordinal);
        Assert.Contains($"uid {stranger}", status, StringComparison.Ordinal);
        Assert.Contains("not by you", status, StringComparison.Ordinal);
        Assert.Contains("CHATGPT_CODEX_PROXY_PORT=", status, StringComparison.Ordinal);
        Assert.False(File.Exists(EnvironmentDump), "claude must not run against someone else's proxy");
    }

    [Fact]
    public async Task OwnProxyFoundByTheRealOwnerLookup_IsUsedAndClaudeGetsOnlyTheProxysToken()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The owner lookup reads /proc.");
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var port = proxy.BaseAddress.Port;

        var (exitCode, status) = await RunAsync(port, PortOwners.Find, ct, new Hashtable
        {
            ["ANTHROPIC_API_KEY"] = "sk-ant-api03-users-real-key",
            ["PROXY_API_KEY"] = "pk-local-proxy-key",
        });

        Assert.True(exitCode == 7, status);
        Assert.Contains($"Using local Codex proxy on :{port}", status, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY is not passed to Claude Code", status, StringComparison.Ordinal);
        var passed = File.ReadAllLines(EnvironmentDump);
        Assert.Contains("ANTHROPIC_AUTH_TOKEN=pk-local-proxy-key", passed);
        Assert.Contains($"ANTHROPIC_BASE_URL=http://127.0.0.1:{port}", passed);
        Assert.Contains("CLAUDE_CODE_DISABLE_1M_CONTEXT=1", passed);
        Assert.Contains("CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1", passed);
        Assert.DoesNotContain(passed, line => line.StartsWith("ANTHROPIC_API_KEY=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PortHeldByAnotherProgram_IsNotUsedAndNothingIsStarted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (exitCode, status) = await RunAsync(port, _ => [new PortOwner(31337, "nc -l", FileStatus.EffectiveUserId)], ct);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Port {port} is taken by pid 31337 (nc -l)", status, StringComparison.Ordinal);
        Assert.Contains("which is not this proxy", status, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting the proxy", status, StringComparison.Ordinal);
        Assert.False(File.Exists(EnvironmentDump));
    }

    private async Task<(int ExitCode, string Status)> RunAsync(
        int port, Func<int, IReadOnlyList<PortOwner>> owners, CancellationToken ct, Hashtable? extra = null)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The stand-in claude is a shell script.");
        var bin = Directory.CreateDirectory(Path.Combine(_temp.FullName, "bin"));
        var claude = Path.Combine(bin.FullName, "claude");
        await File.WriteAllTextAsync(claude, $"#!/bin/sh\nenv > '{EnvironmentDump}'\nexit 7\n", ct);
        File.SetUnixFileMode(claude, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Hashtable
        {
            ["PATH"] = bin.FullName,
            ["CHATGPT_CODEX_PROXY_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["CHATGPT_CODEX_PROXY_HOME"] = Path.Combine(_temp.FullName, "proxy-home"),
        };
        foreach (DictionaryEntry entry in extra ?? [])
        {
            environment[entry.Key] = entry.Value;
        }

        using var http = new HttpClient();
        var status = new StringWriter();
        var exitCode = await new ClaudeLauncher(environment, http, status, TimeProvider.System, owners).RunAsync([], ct);
        return (exitCode, status.ToString());
    }
}
