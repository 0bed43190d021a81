using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CodexProxy.Configuration;

namespace CodexProxy.Cli;

/// <summary><c>stop</c>: end the proxy that <c>claude</c> started in the background, if it still runs.</summary>
internal static partial class StopCommand
{
    public static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var command = new Command("stop", "Stop the proxy that `claude` started in the background.");
        command.SetAction(async (_, cancellationToken) =>
        {
            if (await CliOptions.LoadAsync() is not { } options)
            {
                return CliOptions.ConfigurationError;
            }

            return await RunAsync(options, Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>0 when nothing of ours runs any more; 1 when the process would not end.</summary>
    public static async Task<int> RunAsync(ProxyOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var record = BackgroundProxyRecord.Load(options.Home);
        if (record is null)
        {
            await output.WriteLineAsync("No background proxy started by `claude` is recorded; nothing to stop. "
                + "(A proxy run with `start` stops with Ctrl+C in its terminal.)");
            return 0;
        }

        var pid = record.Pid.ToString(CultureInfo.InvariantCulture);
        if (!record.IsRunning())
        {
            BackgroundProxyRecord.Delete(options.Home);
            await output.WriteLineAsync($"The background proxy (pid {pid}, port {record.Port}) is no longer running.");
            return 0;
        }

        using var process = Process.GetProcessById(record.Pid);
        if (Terminate(process) is { } failure)
        {
            await output.WriteLineAsync($"Could not stop the background proxy (pid {pid}): {failure}");
            return 1;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(GracefulStopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"The background proxy (pid {pid}) did not stop within {GracefulStopTimeout.TotalSeconds:0} s; "
                + $"end it with `kill -9 {pid}`.");
            return 1;
        }

        BackgroundProxyRecord.Delete(options.Home);
        await output.WriteLineAsync($"Stopped the background proxy on port {record.Port} (pid {pid}).");
        return 0;
    }

    /// <summary>SIGTERM, so the server finishes what it is writing and shuts down cleanly; Windows has no such signal.</summary>
    private static string? Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill();
            return null;
        }

        const int TerminateSignal = 15;
        return SendSignal(process.Id, TerminateSignal) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
