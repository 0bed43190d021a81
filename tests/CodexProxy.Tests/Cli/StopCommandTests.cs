using System.Diagnostics;
using CodexProxy.Cli;
using CodexProxy.Configuration;
using Xunit;

namespace CodexProxy.Tests.Cli;

/// <summary><c>stop</c> ends only the process <c>claude</c> recorded, and <c>status</c> says whether it runs.</summary>
public sealed class StopCommandTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("cxp-stop-");

    public StopCommandTests() => Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses sleep and SIGTERM.");

    private ProxyOptions Options => new() { Home = _home.FullName, LocalProxyPort = 1 };

    public void Dispose() => _home.Delete(recursive: true);

    [Fact]
    public async Task RecordedProcessRuns_StopEndsItAndForgetsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var process = Process.Start("sleep", ["300"]);
        try
        {
            BackgroundProxyRecord.ForRunningProcess(process.Id, 19999, "/x.log")!.Save(_home.FullName);
            using var http = new HttpClient();
            Assert.Contains($"running in the background on port 19999 (pid {process.Id}", await StatusCommand.DescribeProxyAsync(Options, http, ct), StringComparison.Ordinal);

            var output = new StringWriter();
            var exitCode = await StopCommand.RunAsync(Options, output, ct);

            Assert.Equal(0, exitCode);
            Assert.Contains($"Stopped the background proxy on port 19999 (pid {process.Id})", output.ToString(), StringComparison.Ordinal);
            Assert.True(process.HasExited);
            Assert.Null(BackgroundProxyRecord.Load(_home.FullName));
            Assert.Equal("not running on port 1", await StatusCommand.DescribeProxyAsync(Options, http, ct));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task PidReusedByAnotherProcess_IsNotSignalled()
    {
        var ct = TestContext.Current.CancellationToken;
        using var process = Process.Start("sleep", ["300"]);
        try
        {
            // Same pid, another start time: what a record looks like after the proxy died and the pid was reused.
            var record = BackgroundProxyRecord.ForRunningProcess(process.Id, 19999, "/x.log")!;
            (record with { StartedAt = record.StartedAt.AddMinutes(-5) }).Save(_home.FullName);

            var output = new StringWriter();
            var exitCode = await StopCommand.RunAsync(Options, output, ct);

            Assert.Equal(0, exitCode);
            Assert.Contains("is no longer running", output.ToString(), StringComparison.Ordinal);
            Assert.False(process.HasExited);
            Assert.Null(BackgroundProxyRecord.Load(_home.FullName));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task NothingRecorded_SaysSoAndSucceeds()
    {
        var output = new StringWriter();

        Assert.Equal(0, await StopCommand.RunAsync(Options, output, TestContext.Current.CancellationToken));
        Assert.Contains("nothing to stop", output.ToString(), StringComparison.Ordinal);
    }
}
