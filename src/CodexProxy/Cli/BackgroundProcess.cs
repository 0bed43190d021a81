using System.Diagnostics;
using System.Globalization;
using CodexProxy.Logging;

namespace CodexProxy.Cli;

/// <summary>Starts this same executable detached from the terminal, its console output in a file of its own.</summary>
internal static class BackgroundProcess
{
    /// <summary>Where a background proxy's console output goes: in the proxy home's private <c>logs</c> directory.</summary>
    public static string ConsoleFile(string home) => Path.Combine(home, "logs", "background-console.out");

    // setsid puts the server in its own session so the terminal's Ctrl+C and hang-up don't reach it.
    private const string DetachScript =
        """
        log="$1"; shift
        if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null >>"$log" 2>&1 &
        else nohup "$@" </dev/null >>"$log" 2>&1 &
        fi
        echo $!
        """;

    /// <summary>Starts <c>self arguments…</c> in the background, its stdout and stderr in <paramref name="consoleFile"/>
    /// (emptied first); returns its process id when known.</summary>
    public static async Task<int?> StartSelfAsync(
        IReadOnlyList<string> arguments, string consoleFile, Action<ProcessStartInfo> configure, CancellationToken cancellationToken)
    {
        var self = SelfCommand();
        if (OperatingSystem.IsWindows())
        {
            // No redirection here: the server writes its own log file (LOG_FILE).
            var direct = new ProcessStartInfo(self[0]) { UseShellExecute = false, CreateNoWindow = true };
            foreach (var argument in self.Skip(1).Concat(arguments))
            {
                direct.ArgumentList.Add(argument);
            }

            configure(direct);
            using var started = Process.Start(direct) ?? throw new InvalidOperationException($"Could not start {self[0]}.");
            return started.Id;
        }

        // Created (0600, in a 0700 directory, never through a link) before the shell opens it by name.
        using (var file = OwnerOnlyFile.OpenForAppend(consoleFile))
        {
            file.SetLength(0);
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", DetachScript, "sh", consoleFile }.Concat(self).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        configure(start);
        using var shell = Process.Start(start) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        var output = await shell.StandardOutput.ReadToEndAsync(cancellationToken);
        await shell.WaitForExitAsync(cancellationToken);
        return int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>How to run this executable again: the native/apphost binary, or <c>dotnet app.dll</c>.</summary>
    public static string[] SelfCommand()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The executable's path is unknown.");
        var name = Path.GetFileNameWithoutExtension(processPath);
        return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)
            ? [processPath, Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll")]
            : [processPath];
    }
}
