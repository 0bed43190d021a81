using System.Diagnostics;
using System.Runtime.InteropServices;
using CodexProxy.Tests.Fakes;
using CodexProxy.Tests.Hosting;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>
/// Finds the pinned official Codex CLI in <c>tests/codex-cli</c>, running <c>npm ci</c> there first when it is
/// missing. Never skips: when the CLI cannot be installed or cannot run here, the caller's test fails with the reason.
/// </summary>
internal static class CodexCliInstallation
{
    public const string PinnedVersion = "0.169.0";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string HarnessDirectory => Path.Combine(RepositoryPaths.Root, "tests", "codex-cli");

    /// <summary>The npm launcher (<c>node_modules/.bin/codex</c>), the way users start the CLI.</summary>
    public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException(
                $"The Codex CLI capture tests run on linux-x64 only (this is {RuntimeInformation.RuntimeIdentifier}).");
        }

        var launcher = Path.Combine(HarnessDirectory, "node_modules", ".bin", "codex");
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(launcher) && File.Exists(NativeBinaryPath))
            {
                return launcher;
            }

            var npm = RepositoryPaths.FindOnPath("npm")
                ?? throw new InvalidOperationException(
                    "npm is not on PATH, so the pinned Codex CLI cannot be installed (run `npm ci` in tests/codex-cli).");
            var (exitCode, output) = await ProcessRunner.RunAsync(
                new ProcessStartInfo(npm, ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = HarnessDirectory },
                TimeSpan.FromMinutes(10),
                cancellationToken);
            if (exitCode != 0 || !File.Exists(launcher) || !File.Exists(NativeBinaryPath))
            {
                throw new InvalidOperationException($"`npm ci` in {HarnessDirectory} failed ({exitCode}):\n{output}");
            }

            return launcher;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>The native binary the linux-x64 platform package ships (it holds the bundled model catalogue).</summary>
    public static string NativeBinaryPath => Path.Combine(
        HarnessDirectory, "node_modules", "@openai", "codex-linux-x64", "vendor", "x86_64-unknown-linux-musl", "bin", "codex");
}
