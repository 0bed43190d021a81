using System.Text;
using CodexProxy.Tests.Fakes;
using CodexProxy.Tests.Hosting;
using Xunit;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>
/// The golden captures in <c>tests/CodexProxy.Tests/Codex/CodexCliGolden</c> (read from the source tree, not the build
/// output). With <c>CODEX_CLI_GOLDEN=write</c> (what <c>scripts/capture-codex-cli.sh</c> sets) fresh captures replace
/// them; otherwise a capture that differs from its golden fails the test with the first differing lines.
/// </summary>
internal static class CodexCliGoldenFiles
{
    public const string WriteVariable = "CODEX_CLI_GOLDEN";

    public static string Directory => Path.Combine(
        RepositoryPaths.Root, "tests", "CodexProxy.Tests", "Codex", "CodexCliGolden");

    public static bool Writing => string.Equals(Environment.GetEnvironmentVariable(WriteVariable), "write", StringComparison.OrdinalIgnoreCase);

    /// <summary>Compares (or writes) <c>{prefix}-{n}.json</c> for each capture, in order, and checks no extra golden
    /// file with that prefix is left over.</summary>
    public static void Verify(string prefix, IReadOnlyList<string> captures, string? extraName = null, string? extraCapture = null)
    {
        var files = captures.Select((text, index) => (Name: $"{prefix}-{index + 1}.json", Text: text)).ToList();
        if (extraName is not null && extraCapture is not null)
        {
            files.Add(($"{prefix}-{extraName}.json", extraCapture));
        }

        if (Writing)
        {
            System.IO.Directory.CreateDirectory(Directory);
            foreach (var stale in System.IO.Directory.EnumerateFiles(Directory, $"{prefix}-*.json"))
            {
                File.Delete(stale);
            }

            foreach (var (name, text) in files)
            {
                File.WriteAllText(Path.Combine(Directory, name), text);
            }

            return;
        }

        var problems = new StringBuilder();
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(Directory, name);
            if (!File.Exists(path))
            {
                problems.AppendLine($"{name}: no golden file (run scripts/capture-codex-cli.sh to create it).");
                continue;
            }

            var golden = File.ReadAllText(path).ReplaceLineEndings("\n");
            if (golden != text)
            {
                problems.AppendLine($"{name} differs from the golden file:").AppendLine(FirstDifference(golden, text));
            }
        }

        var expected = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var existing in System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory, $"{prefix}-*.json").Select(Path.GetFileName)
            : [])
        {
            if (existing is not null && !expected.Contains(existing) && !IsOtherPrefix(existing, prefix))
            {
                problems.AppendLine($"{existing}: golden file for a request that did not arrive this time.");
            }
        }

        Assert.True(problems.Length == 0, problems + "Re-run scripts/capture-codex-cli.sh after checking that the change is expected.");
    }

    /// <summary>"plain-gpt-5.5-" also matches "plain-gpt-5.5-x-…"; only names that continue with a number or the extra
    /// capture's name belong to this prefix.</summary>
    private static bool IsOtherPrefix(string fileName, string prefix)
    {
        var rest = fileName[(prefix.Length + 1)..^".json".Length];
        return !(rest.All(char.IsAsciiDigit) || rest.StartsWith("ws", StringComparison.Ordinal));
    }

    private static string FirstDifference(string golden, string fresh)
    {
        var a = golden.Split('\n');
        var b = fresh.Split('\n');
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        var differing = Enumerable.Range(0, Math.Max(a.Length, b.Length))
            .Count(i => i >= a.Length || i >= b.Length || a[i] != b[i]);
        static string At(string[] lines, int i) => i < lines.Length ? lines[i] : "<end of file>";
        var context = new StringBuilder();
        context.AppendLine($"  first difference at line {line + 1} ({differing} differing lines, golden {a.Length} lines, fresh {b.Length}):");
        for (var i = Math.Max(0, line - 2); i <= line + 2; i++)
        {
            var left = At(a, i);
            var right = At(b, i);
            context.AppendLine(left == right ? $"    {Trim(left)}" : $"  - {Trim(left)}\n  + {Trim(right)}");
        }

        return context.ToString();
    }

    private static string Trim(string line) => line.Length > 400 ? line[..400] + "…" : line;
}
