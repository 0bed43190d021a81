namespace CodexProxy.Tests.Fakes;

/// <summary>Where the checkout is, and where a tool is on PATH: for the tests that install and run real CLIs.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The directory holding the solution (or the git checkout), found from the test binaries upwards.</summary>
    public static string Root => RootDirectory.Value;

    public static string? FindOnPath(string fileName) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, fileName))
            .FirstOrDefault(File.Exists);

    private static string FindRoot()
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
}
