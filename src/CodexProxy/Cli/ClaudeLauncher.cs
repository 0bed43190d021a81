using System.Collections;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CodexProxy.Cli;

/// <summary>
/// Behind <c>claude [args…]</c>: makes sure a proxy answers on the configured port (starting one in the background
/// when none does), then runs Claude Code against it and hands back Claude Code's exit code.
/// </summary>
internal sealed class ClaudeLauncher(IDictionary environment, HttpClient http, TextWriter status, TimeProvider time)
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);

    public async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        int port;
        try
        {
            port = LocalProxy.ResolvePort(environment);
        }
        catch (InvalidOperationException e)
        {
            await status.WriteLineAsync($"Configuration error: {e.Message}");
            return CliOptions.ConfigurationError;
        }

        var claude = LocalProxy.FindOnPath("claude", environment);
        if (claude is null)
        {
            await status.WriteLineAsync("Claude Code (`claude`) is not on PATH. Install it: npm install -g @anthropic-ai/claude-code");
            return 127;
        }

        var variables = ClaudeEnvironment.For(environment, port);
        if (await LocalProxy.ProbeAsync(http, port, cancellationToken) is null
            && !await StartProxyAsync(port, variables, cancellationToken))
        {
            return 1;
        }

        await status.WriteLineAsync($"🚀 Using local Codex proxy on :{port}");
        return RunClaude(claude, arguments, variables);
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

    private async Task<bool> StartProxyAsync(int port, IReadOnlyDictionary<string, string?> variables, CancellationToken cancellationToken)
    {
        var logFile = LocalProxy.LogFilePath(environment);
        int? pid;
        try
        {
            pid = await BackgroundProcess.StartSelfAsync(["start"], logFile, start =>
            {
                ClaudeEnvironment.ApplyTo(start.Environment, variables);
                start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }, cancellationToken);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            await status.WriteLineAsync($"✗ Could not start the proxy in the background: {e.Message}");
            return false;
        }

        await status.WriteAsync($"Starting the proxy on :{port} in the background (pid {pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, log: {logFile}) ");
        var started = time.GetTimestamp();
        var lastDot = started;
        while (time.GetElapsedTime(started) < StartupTimeout)
        {
            if (await LocalProxy.ProbeAsync(http, port, cancellationToken) is not null)
            {
                await status.WriteLineAsync("ready.");
                return true;
            }

            if (pid is { } id && !BackgroundProcess.IsRunning(id))
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
        await status.WriteLineAsync($"✗ The proxy did not answer http://127.0.0.1:{port}/health. Last lines of {logFile}:");
        foreach (var line in LogTail.Read(logFile, 20))
        {
            await status.WriteLineAsync("    " + line);
        }

        return false;
    }
}
