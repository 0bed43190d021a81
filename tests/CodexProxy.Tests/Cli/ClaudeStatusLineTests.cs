using System.Collections;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using CodexProxy.Cli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Cli;

/// <summary>The launcher gives Claude Code this proxy's status line only when the user has none of their own.</summary>
public sealed class ClaudeStatusLineTests : IDisposable
{
    private static readonly string[] Self = ["/opt/chatgpt codex/chatgpt-codex-proxy"];

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("cxp-statusline-wiring-");

    private string UserHome => Path.Combine(_temp.FullName, "home");

    private string Project => Path.Combine(_temp.FullName, "project");

    public ClaudeStatusLineTests()
    {
        Directory.CreateDirectory(Path.Combine(UserHome, ".claude"));
        Directory.CreateDirectory(Path.Combine(Project, ".git"));
        Directory.CreateDirectory(Path.Combine(Project, "src", "deep"));
    }

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public void NoStatusLineAnywhere_AddsSettingsThatRunThisProgramsStatusline()
    {
        File.WriteAllText(Path.Combine(UserHome, ".claude", "settings.json"), """{"model":"opus","permissions":{"allow":[]}}""");

        var arguments = ClaudeStatusLine.Arguments(["-p", "hi"], Environment(), Path.Combine(Project, "src", "deep"), Self);

        Assert.Equal(2, arguments.Count);
        Assert.Equal("--settings", arguments[0]);
        using var settings = JsonDocument.Parse(arguments[1]);
        var statusLine = settings.RootElement.GetProperty("statusLine");
        Assert.Equal("command", statusLine.GetProperty("type").GetString());
        Assert.Equal(OperatingSystem.IsWindows()
            ? "\"/opt/chatgpt codex/chatgpt-codex-proxy\" \"statusline\""
            : "'/opt/chatgpt codex/chatgpt-codex-proxy' 'statusline'", statusLine.GetProperty("command").GetString());
    }

    [Theory]
    [InlineData("home/.claude/settings.json")]
    [InlineData("project/.claude/settings.json")]
    [InlineData("project/.claude/settings.local.json")]
    [InlineData("project/src/.claude/settings.local.json")]
    public void UsersOwnStatusLine_InAnySettingsFile_IsLeftAlone(string file)
    {
        var path = Path.Combine(_temp.FullName, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """
            {
              // JSON with comments, as people write it
              "statusLine": { "type": "command", "command": "~/.claude/my-line.sh" },
            }
            """);

        Assert.Empty(ClaudeStatusLine.Arguments([], Environment(), Path.Combine(Project, "src", "deep"), Self));
    }

    [Fact]
    public void StatusLineAboveTheRepository_IsNotTheProjects()
    {
        var outside = Path.Combine(_temp.FullName, ".claude", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.WriteAllText(outside, """{"statusLine":{"type":"command","command":"x"}}""");

        Assert.NotEmpty(ClaudeStatusLine.Arguments([], Environment(), Project, Self));
    }

    [Theory]
    [InlineData("--settings", "my-settings.json")]
    [InlineData("--settings={\"statusLine\":null}", "-p")]
    public void UsersOwnSettingsArgument_IsLeftAlone(string first, string second) =>
        Assert.Empty(ClaudeStatusLine.Arguments([first, second], Environment(), Project, Self));

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Launcher_PassesTheSettingsToClaudeBeforeTheUsersArguments()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The stand-in claude is a shell script.");
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var bin = Directory.CreateDirectory(Path.Combine(_temp.FullName, "bin"));
        var argumentsFile = Path.Combine(_temp.FullName, "claude-args.txt");
        var claude = Path.Combine(bin.FullName, "claude");
        await File.WriteAllTextAsync(claude, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{argumentsFile}'\n", ct);
        File.SetUnixFileMode(claude, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = Environment();
        environment["PATH"] = bin.FullName;
        environment["CHATGPT_CODEX_PROXY_PORT"] = proxy.BaseAddress.Port.ToString(CultureInfo.InvariantCulture);
        environment["CHATGPT_CODEX_PROXY_HOME"] = proxy.Home;
        using var http = new HttpClient();

        var exitCode = await new ClaudeLauncher(environment, http, new StringWriter(), TimeProvider.System, PortOwners.Find).RunAsync(["-p", "hello"], ct);

        Assert.Equal(0, exitCode);
        var passed = await File.ReadAllLinesAsync(argumentsFile, ct);
        Assert.Equal(4, passed.Length);
        Assert.Equal("--settings", passed[0]);
        Assert.Contains("statusline", JsonDocument.Parse(passed[1]).RootElement.GetProperty("statusLine").GetProperty("command").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(["-p", "hello"], passed[2..]);
    }

    private Hashtable Environment() => new() { ["HOME"] = UserHome };
}
