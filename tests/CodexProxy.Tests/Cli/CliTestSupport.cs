using System.Diagnostics;
using CodexProxy.Tests.Fakes;
using Spectre.Console;

namespace CodexProxy.Tests.Cli;

/// <summary>Shared rig for the CLI tests: a console to read back and child-process runs of the built CLI. The fake
/// backend and the in-process proxy are <see cref="FakeCodexUpstream"/> and <see cref="ProxyFixture"/>.</summary>
internal static class CliTestSupport
{
    /// <summary>A plain, wide, non-interactive console whose output the test reads back.</summary>
    public static (IAnsiConsole Console, StringWriter Output) PlainConsole()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        return (console, output);
    }

    /// <summary>Runs the built CLI (<c>dotnet chatgpt-codex-proxy.dll args…</c>) with a clean Claude Code environment.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string> variables, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ANTHROPIC_", StringComparison.Ordinal)
                     || k is "PORT" or "CHATGPT_CODEX_PROXY_PORT" or "LOG_FILE" or "CLAUDE_CONFIG_DIR").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DISABLE_TELEMETRY"] = "1";
        start.Environment["CLAUDE_CODE_MAX_RETRIES"] = "0";
        start.Environment["TERM"] = "dumb";
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return await ProcessRunner.RunSplitAsync(start, timeout, cancellationToken);
    }
}
