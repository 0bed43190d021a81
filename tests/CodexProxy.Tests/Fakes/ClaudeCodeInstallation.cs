using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The one way tests find the real Claude Code CLI. The versions are the <c>claude-code-&lt;version&gt;</c> entries of
/// <c>tests/claude-code/package.json</c>; a missing or broken one is installed by <c>tests/claude-code/install.sh</c>
/// (npm ci) on first use, and a version that still cannot run fails the test with the reason. Setting
/// <see cref="BinaryVariable"/> to a binary's path runs the Claude Code tests against that binary only
/// (<c>scripts/claude-code-canary.sh</c> does this for an unreleased or newly published version).
/// </summary>
internal static class ClaudeCodeInstallation
{
    public const string BinaryVariable = "CLAUDE_CODE_BINARY";

    private const string PackagePrefix = "claude-code-";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly Dictionary<string, string> Verified = new(StringComparer.Ordinal);

    /// <summary>The theory rows for every real-Claude-Code test: the pinned versions, or the path in
    /// <see cref="BinaryVariable"/> when it is set.</summary>
    public static TheoryData<string> Versions =>
        Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } binary ? new TheoryData<string>(binary) : new TheoryData<string>(PinnedVersions());

    /// <summary>Theory rows of (version, model) that keep CI time sane: every one of <paramref name="models"/> on the
    /// newest pinned version (or on the binary in <see cref="BinaryVariable"/>), and <paramref name="olderPinsModel"/>
    /// on each older pin.</summary>
    public static TheoryData<string, string> VersionsAndModels(IReadOnlyList<string> models, string olderPinsModel)
    {
        ArgumentNullException.ThrowIfNull(models);
        var rows = new TheoryData<string, string>();
        if (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } binary)
        {
            foreach (var model in models)
            {
                rows.Add(binary, model);
            }

            return rows;
        }

        var pinned = PinnedVersions();
        foreach (var older in pinned.Take(pinned.Count - 1))
        {
            rows.Add(older, olderPinsModel);
        }

        foreach (var model in models)
        {
            rows.Add(pinned[^1], model);
        }

        return rows;
    }

    /// <summary>The path of a Claude Code binary that answers <c>--version</c>: a pinned <paramref name="version"/>
    /// (installed first when needed) or, when <paramref name="version"/> is a path, that binary.
    /// Throws with the reason when it cannot be made to run.</summary>
    public static async Task<string> EnsureInstalledAsync(string version, CancellationToken cancellationToken)
    {
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (Verified.TryGetValue(version, out var known))
            {
                return known;
            }

            var binary = Path.IsPathRooted(version)
                ? version
                : Path.Combine(HarnessDirectory, "node_modules", PackagePrefix + version, "bin", "claude.exe");
            var (runs, output) = await AnswersVersionAsync(binary, Path.IsPathRooted(version) ? null : version, cancellationToken);
            if (!runs && !Path.IsPathRooted(version))
            {
                await InstallAsync(cancellationToken);
                (runs, output) = await AnswersVersionAsync(binary, version, cancellationToken);
            }

            Assert.True(runs, $"Claude Code {version} cannot run ({binary}):\n{output}");
            Verified[version] = binary;
            return binary;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Makes <paramref name="directory"/> hold <c>claude</c>, a link to <paramref name="binary"/>,
    /// for a test that puts Claude Code on PATH the way a user has it.</summary>
    public static string LinkAsClaude(string binary, string directory)
    {
        Directory.CreateDirectory(directory);
        File.CreateSymbolicLink(Path.Combine(directory, OperatingSystem.IsWindows() ? "claude.exe" : "claude"), binary);
        return directory;
    }

    private static async Task<(bool Runs, string Output)> AnswersVersionAsync(string binary, string? version, CancellationToken cancellationToken)
    {
        if (!File.Exists(binary))
        {
            return (false, "not installed");
        }

        var (exitCode, output) = await ProcessRunner.RunAsync(new ProcessStartInfo(binary, ["--version"]), TimeSpan.FromMinutes(1), cancellationToken);
        var runs = exitCode == 0 && output.Contains(version is null ? "(Claude Code)" : $"{version} (Claude Code)", StringComparison.Ordinal);
        return (runs, $"`{binary} --version` exited {exitCode}:\n{output}");
    }

    private static async Task InstallAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(HarnessDirectory, "install.sh");
        var (exitCode, output) = await ProcessRunner.RunAsync(new ProcessStartInfo("bash", [script]), TimeSpan.FromMinutes(10), cancellationToken);
        Assert.True(exitCode == 0, $"{script} failed ({exitCode}):\n{output}");
    }

    private static string HarnessDirectory => Path.Combine(RepositoryPaths.Root, "tests", "claude-code");

    /// <summary>The versions <c>tests/claude-code/package.json</c> pins, oldest first as written there.</summary>
    private static IReadOnlyList<string> PinnedVersions()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(HarnessDirectory, "package.json")));
        return [.. package.RootElement.GetProperty("dependencies").EnumerateObject()
            .Select(static dependency => dependency.Name)
            .Where(static name => name.StartsWith(PackagePrefix, StringComparison.Ordinal))
            .Select(static name => name[PackagePrefix.Length..])];
    }
}
