using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using CodexProxy.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Logging;

/// <summary>The log file is this user's alone: created 0600 in a 0700 directory, never written through a link or into
/// someone else's file, and rotation keeps both.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyFileTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("cxp-logfile-");

    public OwnerOnlyFileTests() => Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes and links only.");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public void NewLogFile_IsCreated0600InA0700Directory()
    {
        var path = Path.Combine(_temp.FullName, "home", "logs", "proxy.log");

        using (var file = new RollingLogFile(path))
        {
            file.Write("hello\n");
        }

        Assert.Equal("hello\n", File.ReadAllText(path));
        Assert.Equal(OwnerOnlyFile.OwnerReadWrite, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyFile.OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(OwnerOnlyFile.OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(_temp.FullName, "home")));
    }

    [Fact]
    public void ExistingLogFileReadableByOthers_IsTightenedTo0600()
    {
        var path = Path.Combine(_temp.FullName, "proxy.log");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, OwnerOnlyFile.OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (var file = new RollingLogFile(path))
        {
            file.Write("new\n");
        }

        Assert.Equal("old\nnew\n", File.ReadAllText(path));
        Assert.Equal(OwnerOnlyFile.OwnerReadWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void LogPathIsASymbolicLink_NothingIsWrittenThroughItAndTheReasonIsGiven()
    {
        // The attack: another user plants a link where the log will be, pointing at a file of ours (or one to create).
        var victim = Path.Combine(_temp.FullName, "victim.txt");
        File.WriteAllText(victim, "precious\n");
        var dangling = Path.Combine(_temp.FullName, "created-through-link.txt");
        foreach (var (link, target) in new[] { ("existing.log", victim), ("dangling.log", dangling) })
        {
            var path = Path.Combine(_temp.FullName, link);
            File.CreateSymbolicLink(path, target);

            using var file = new RollingLogFile(path);
            file.Write("attacker-visible line\n");

            Assert.Contains("symbolic link", file.TakeFailure(), StringComparison.Ordinal);
            Assert.Null(file.TakeFailure());
            Assert.Throws<UnsafeFileException>(() => OwnerOnlyFile.OpenForAppend(path).Dispose());
        }

        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.False(File.Exists(dangling), "a dangling link must not create its target");
    }

    [Fact]
    public void LogFileOwnedBySomeoneElse_IsRefused()
    {
        var path = Path.Combine(_temp.FullName, "planted.log");
        File.WriteAllText(path, "planted\n");
        if (FileStatus.EffectiveUserId == 0)
        {
            Chown(path, "65534");
        }
        else
        {
            // Not root: a root-owned file stands in for another user's.
            path = "/etc/hostname";
            Assert.SkipUnless(File.Exists(path), "No root-owned file to try.");
        }

        var error = Assert.Throws<UnsafeFileException>(() => OwnerOnlyFile.OpenForAppend(path).Dispose());

        Assert.Contains("another user", error.Message, StringComparison.Ordinal);
        Assert.Throws<UnsafeFileException>(() => OwnerOnlyFile.OpenForRead(path).Dispose());
    }

    [Fact]
    public void Rotation_KeepsBothFilesPrivate()
    {
        var path = Path.Combine(_temp.FullName, "logs", "proxy.log");
        using (var file = new RollingLogFile(path, maxBytes: 100))
        {
            for (var i = 0; i < 10; i++)
            {
                file.Write($"line {i:D2} {new string('x', 20)}\n");
            }
        }

        Assert.True(File.Exists(path + ".1"));
        Assert.Equal(OwnerOnlyFile.OwnerReadWrite, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyFile.OwnerReadWrite, File.GetUnixFileMode(path + ".1"));
    }

    [Fact]
    public void RotationTargetIsALink_TheLinkIsReplacedNotFollowed()
    {
        var victim = Path.Combine(_temp.FullName, "victim.txt");
        File.WriteAllText(victim, "precious\n");
        var path = Path.Combine(_temp.FullName, "proxy.log");
        File.CreateSymbolicLink(path + ".1", victim);
        using (var file = new RollingLogFile(path, maxBytes: 50))
        {
            for (var i = 0; i < 5; i++)
            {
                file.Write($"line {i} {new string('x', 20)}\n");
            }
        }

        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Null(new FileInfo(path + ".1").LinkTarget);
    }

    [Fact]
    public async Task ControlCharactersInMessageArguments_AreEscapedInTheLine()
    {
        var path = Path.Combine(_temp.FullName, "proxy.log");
        var console = new StringWriter();
        using (var provider = new ProxyLoggerProvider(new LogSinks(console, path), new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))))
        {
            var logger = provider.CreateLogger("CodexProxy.Hosting.Test");
            logger.LogInformation("request {Path} model={Model}", "/v1/messages\r\n2026-01-01T00:00:00.000Z info forged: admin login", "gpt\u001b[2J\u009b\u2028x");
            logger.LogWarning(new InvalidOperationException("bad\nforged line"), "failed for {Model}", "m\tx");
        }

        var lines = (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(@"request /v1/messages\r\n2026-01-01T00:00:00.000Z info forged: admin login model=gpt\u001b[2J\u009b\u2028x", lines[0], StringComparison.Ordinal);
        Assert.Contains(@"failed for m\tx", lines[1], StringComparison.Ordinal);
        // Every other line of the entry is the exception, indented, so none can pass for an entry of its own.
        Assert.All(lines.Skip(2), line => Assert.StartsWith("    ", line, StringComparison.Ordinal));
        Assert.Contains("    forged line", lines);
        Assert.Equal(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), console.ToString());
    }

    private static void Chown(string path, string owner)
    {
        using var chown = Process.Start("chown", [owner, path]);
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
        Assert.Equal(uint.Parse(owner, CultureInfo.InvariantCulture), FileStatus.Of(path)?.OwnerId);
    }
}
