using System.Diagnostics;
using System.Globalization;

namespace CodexProxy.Cli;

/// <summary>Starts this same executable detached from the terminal, its output appended to a log file.</summary>
internal static class BackgroundProcess
{
    // setsid puts the server in its own session so the terminal's Ctrl+C and hang-up don't reach it.
    private const string DetachScript =
        """
        log="$1"; shift
        if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null >>"$log" 2>&1 &
        else nohup "$@" </dev/null >>"$log" 2>&1 &
        fi
        echo $!
        """;

    /// <summary>Starts <c>self arguments…</c> in the background; returns its process id when known.</summary>
    public static async Task<int?> StartSelfAsync(
        IReadOnlyList<string> arguments, string logFile, Action<ProcessStartInfo> configure, CancellationToken cancellationToken)
    {
        var self = SelfCommand();
        if (OperatingSystem.IsWindows())
        {
            // No shell redirection here: the server writes its own log file (LOG_FILE).
            var direct = new ProcessStartInfo(self[0]) { UseShellExecute = false, CreateNoWindow = true };
            foreach (var argument in self.Skip(1).Concat(arguments))
            {
                direct.ArgumentList.Add(argument);
            }

            configure(direct);
            using var started = Process.Start(direct) ?? throw new InvalidOperationException($"Could not start {self[0]}.");
            return started.Id;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", DetachScript, "sh", logFile }.Concat(self).Concat(arguments))
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
    private static string[] SelfCommand()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The executable's path is unknown.");
        var name = Path.GetFileNameWithoutExtension(processPath);
        return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)
            ? [processPath, Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll")]
            : [processPath];
    }
}
