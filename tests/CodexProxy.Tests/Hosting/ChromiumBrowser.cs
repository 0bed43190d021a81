using System.Diagnostics;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// Headless Chromium from Debian's packages. When it is missing and the tests run as root (as CI does), it is
/// installed with apt-get; otherwise the caller gets an exception saying why, so a test that needs a browser fails
/// rather than skips.
/// </summary>
internal sealed class ChromiumBrowser : IDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private readonly Process _process;
    private readonly string _profile;

    private ChromiumBrowser(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Opens <paramref name="url"/> in a fresh profile; <paramref name="hostRules"/> go to
    /// <c>--host-resolver-rules</c>. The browser runs until disposed.</summary>
    public static async Task<ChromiumBrowser> OpenAsync(Uri url, string? hostRules, CancellationToken cancellationToken)
    {
        var binary = await EnsureInstalledAsync(cancellationToken);
        var profile = Directory.CreateTempSubdirectory("codex-proxy-chromium-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--no-proxy-server",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
            $"--user-data-dir={profile}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (Environment.UserName == "root")
        {
            // Chromium's sandbox refuses to run as root.
            start.ArgumentList.Add("--no-sandbox");
        }

        if (hostRules is not null)
        {
            start.ArgumentList.Add($"--host-resolver-rules={hostRules}");
        }

        start.ArgumentList.Add(url.AbsoluteUri);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start.");
        process.StandardInput.Close();
        // Drained so a chatty browser never blocks on a full pipe; its output is not needed.
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        return new ChromiumBrowser(process, profile);
    }

    public void Dispose()
    {
        try
        {
            // By the browser's own process id: its renderer and helper children go with it.
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A profile left in the temp directory is harmless.
        }
    }

    private static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (Find() is { } found)
            {
                return found;
            }

            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException(
                    "Chromium is not installed and these tests are not running as root: run `sudo apt-get install -y chromium`.");
            }

            var log = "";
            foreach (var step in new[] { "install", "update", "install" })
            {
                var arguments = step == "update" ? new[] { "update", "-qq" } : ["install", "-y", "-qq", "chromium"];
                var start = new ProcessStartInfo("apt-get", arguments) { Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" } };
                var (exitCode, output) = await ProcessRunner.RunAsync(start, TimeSpan.FromMinutes(10), cancellationToken);
                log += $"apt-get {string.Join(' ', arguments)} exited {exitCode}\n{output}\n";
                if (step == "install" && exitCode == 0 && Find() is { } installed)
                {
                    return installed;
                }
            }

            throw new InvalidOperationException($"Chromium could not be installed with apt-get:\n{log}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string? Find() =>
        RepositoryPaths.FindOnPath("chromium") ?? RepositoryPaths.FindOnPath("chromium-browser");
}
