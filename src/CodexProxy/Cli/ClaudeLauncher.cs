using System.Collections;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CodexProxy.Configuration;
using CodexProxy.Logging;

namespace CodexProxy.Cli;

/// <summary>
/// Behind <c>claude [args…]</c>: makes sure this user's proxy answers on the configured port (starting one in the
/// background when none does, refusing a port someone else holds), then runs Claude Code against it and hands back
/// Claude Code's exit code.
/// </summary>
internal sealed class ClaudeLauncher(
    IDictionary environment, HttpClient http, TextWriter status, TimeProvider time, Func<int, IReadOnlyList<PortOwner>> findPortOwners)
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan SlowProbeTimeout = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ProxyOptions options;
        try
        {
            options = ProxyOptions.FromVariables(environment);
        }
        catch (InvalidOperationException e)
        {
            await status.WriteLineAsync($"Configuration error: {e.Message}");
            return CliOptions.ConfigurationError;
        }

        var port = options.LocalProxyPort;
        var claude = LocalProxy.FindOnPath("claude", environment);
        if (claude is null)
        {
            await status.WriteLineAsync("Claude Code (`claude`) is not on PATH. Install it: npm install -g @anthropic-ai/claude-code");
            return 127;
        }

        var variables = ClaudeEnvironment.For(environment, port, options.ProxyApiKey);
        if (!await EnsureProxyAsync(options, variables, cancellationToken))
        {
            return 1;
        }

        await status.WriteLineAsync($"🚀 Using local Codex proxy on :{port}");
        if (environment["ANTHROPIC_API_KEY"] is string { Length: > 0 })
        {
            await status.WriteLineAsync("Your shell's ANTHROPIC_API_KEY is not passed to Claude Code: the proxy answers with your ChatGPT login.");
        }

        var statusLine = ClaudeStatusLine.Arguments(arguments, environment, Environment.CurrentDirectory, BackgroundProcess.SelfCommand());
        return RunClaude(claude, [.. statusLine, .. arguments], variables);
    }

    /// <summary>True when this user's proxy answers on the port, after starting one when the port is free.</summary>
    private async Task<bool> EnsureProxyAsync(ProxyOptions options, IReadOnlyDictionary<string, string?> variables, CancellationToken cancellationToken)
    {
        var port = options.LocalProxyPort;
        var health = await LocalProxy.ProbeAsync(http, port, cancellationToken);
        var owners = findPortOwners(port);
        if (health is null && owners.Count > 0)
        {
            // Something listens: give a busy machine's proxy longer to answer before calling the port taken.
            health = await LocalProxy.ProbeAsync(http, port, cancellationToken, SlowProbeTimeout);
        }
        if (health is not null)
        {
            if (ProxyOwnership.Refusal(port, owners, FileStatus.EffectiveUserId) is { } refusal)
            {
                await status.WriteLineAsync($"✗ {refusal}");
                return false;
            }

            return true;
        }

        if (owners.Count > 0)
        {
            await status.WriteLineAsync($"✗ {ProxyOwnership.Taken(port, owners)}");
            return false;
        }

        return await StartProxyAsync(options, variables, cancellationToken);
    }

    private static int RunClaude(string claude, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> variables)
    {
        var start = new ProcessStartInfo(claude) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ClaudeEnvironment.ApplyTo(start.Environment, variables);

        // Ctrl+C belongs to Claude Code (it interrupts a turn); the launcher must outlive it to report the exit code.
        using var keepRunningOnCtrlC = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {claude}.");
        process.WaitForExit();
        return process.ExitCode;
    }

    private async Task<bool> StartProxyAsync(ProxyOptions options, IReadOnlyDictionary<string, string?> variables, CancellationToken cancellationToken)
    {
        var port = options.LocalProxyPort;
        var consoleFile = BackgroundProcess.ConsoleFile(options.Home);
        int? pid;
        try
        {
            // The server writes the log file itself (and only there: --log-file-only); its console, which then holds
            // only what happens before logging starts, goes to a file of its own so no line lands twice.
            pid = await BackgroundProcess.StartSelfAsync(["start", StartCommand.LogFileOnlyOption], consoleFile, start =>
            {
                ClaudeEnvironment.ApplyTo(start.Environment, variables);
                start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
            }, cancellationToken);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            await status.WriteLineAsync($"✗ Could not start the proxy in the background: {e.Message}");
            return false;
        }

        if (pid is { } id && BackgroundProxyRecord.ForRunningProcess(id, port, options.LogFile) is { } record)
        {
            record.Save(options.Home);
        }

        await status.WriteAsync($"Starting the proxy on :{port} in the background (pid {pid?.ToString(CultureInfo.InvariantCulture) ?? "?"}, "
            + $"log: {options.LogFile}; `chatgpt-codex-proxy stop` ends it) ");
        var started = time.GetTimestamp();
        var lastDot = started;
        while (time.GetElapsedTime(started) < StartupTimeout)
        {
            if (await LocalProxy.ProbeAsync(http, port, cancellationToken) is not null)
            {
                await status.WriteLineAsync("ready.");
                return true;
            }

            if (pid is { } running && !BackgroundProcess.IsRunning(running))
            {
                break;
            }

            if (time.GetElapsedTime(lastDot) >= TimeSpan.FromSeconds(1))
            {
                await status.WriteAsync(".");
                lastDot = time.GetTimestamp();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }

        await status.WriteLineAsync();
        await status.WriteLineAsync($"✗ The proxy did not answer http://127.0.0.1:{port}/health.");
        foreach (var file in new[] { consoleFile, options.LogFile })
        {
            var lines = LogTail.Read(file, 20);
            if (lines.Count > 0)
            {
                await status.WriteLineAsync($"Last lines of {file}:");
                foreach (var line in lines)
                {
                    await status.WriteLineAsync("    " + line);
                }
            }
        }

        return false;
    }
}
