using System.Diagnostics;
using System.Text;

namespace CodexProxy.Tests.Fakes;

/// <summary>Runs a child process with stdin closed, collecting stdout and stderr; kills its tree on timeout.</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, stderr) = await RunSplitAsync(start, timeout, cancellationToken);
        return (exitCode, stdout + stderr);
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunSplitAsync(
        ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{start.FileName} did not finish within {timeout}.\nstdout:\n{Read(stdout)}\nstderr:\n{Read(stderr)}");
        }

        // The exit event can precede the last output lines; WaitForExit() without a timeout drains them.
        process.WaitForExit();
        return (process.ExitCode, Read(stdout), Read(stderr));
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static string Read(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }
}
