using System.Diagnostics;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// Finds the pinned Claude Code CLI in <c>tests/claude-code</c>, running <c>npm ci</c> there first when it is
/// missing, so a fresh checkout runs the end-to-end test without manual steps.
/// </summary>
internal static class ClaudeCodeInstallation
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The CLI's path, or null when npm is not available to install it.</summary>
    public static async Task<string?> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var harness = Path.Combine(FindRepositoryRoot(), "tests", "claude-code");
        var binary = Path.Combine(harness, "node_modules", ".bin", OperatingSystem.IsWindows() ? "claude.cmd" : "claude");
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(binary))
            {
                return binary;
            }

            var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm");
            if (npm is null)
            {
                return null;
            }

            var (exitCode, output) = await ProcessRunner.RunAsync(
                new ProcessStartInfo(npm, ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = harness },
                TimeSpan.FromMinutes(10),
                cancellationToken);
            if (exitCode != 0 || !File.Exists(binary))
            {
                throw new InvalidOperationException($"`npm ci` in {harness} failed ({exitCode}):\n{output}");
            }

            return binary;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>One of the pinned versions installed side by side (<c>claude-code-{version}</c> npm aliases), or null
    /// when npm is not available to install them.</summary>
    public static async Task<string?> EnsureInstalledAsync(string version, CancellationToken cancellationToken)
    {
        if (await EnsureInstalledAsync(cancellationToken) is null)
        {
            return null;
        }

        var binary = Path.Combine(FindRepositoryRoot(), "tests", "claude-code", "node_modules", $"claude-code-{version}", "bin", "claude.exe");
        return File.Exists(binary) ? binary : throw new InvalidOperationException($"Claude Code {version} is not installed at {binary}.");
    }

    /// <summary>Walks up from the test binaries to the directory holding the solution (or the git checkout).</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CodexProxy.slnx")) || Path.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CodexProxy.slnx or .git above {AppContext.BaseDirectory}.");
    }

    public static string? FindOnPath(string fileName) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, fileName))
            .FirstOrDefault(File.Exists);
}
