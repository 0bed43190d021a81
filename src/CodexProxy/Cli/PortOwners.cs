using System.Diagnostics;
using System.Globalization;

namespace CodexProxy.Cli;

/// <summary>A process listening on a TCP port; <paramref name="Pid"/> is null when the OS would not say whose it is.</summary>
internal sealed record PortOwner(int? Pid, string? Name);

/// <summary>Who listens on a TCP port: <c>/proc/net/tcp{,6}</c> plus <c>/proc/*/fd</c> on Linux, else <c>lsof</c>.</summary>
internal static class PortOwners
{
    private const string ListenState = "0A";

    private static readonly string[] ProcNetTcpFiles = ["/proc/net/tcp", "/proc/net/tcp6"];

    public static IReadOnlyList<PortOwner> Find(int port)
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/net/tcp"))
        {
            var inodes = ProcNetTcpFiles
                .Where(File.Exists)
                .SelectMany(path => ListeningInodes(ReadAllTextOrEmpty(path), port))
                .ToHashSet();
            if (inodes.Count == 0)
            {
                return [];
            }

            var owners = OwnersOfSockets(inodes);
            return owners.Count > 0 ? owners : FromLsof(port) is { Count: > 0 } viaLsof ? viaLsof : [new PortOwner(null, null)];
        }

        return FromLsof(port);
    }

    /// <summary>Socket inodes in LISTEN state on <paramref name="port"/>, from the text of <c>/proc/net/tcp</c>.</summary>
    public static IEnumerable<long> ListeningInodes(string procNetTcp, int port)
    {
        foreach (var line in procNetTcp.Split('\n').Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != ListenState)
            {
                continue;
            }

            var colon = fields[1].LastIndexOf(':');
            if (colon > 0
                && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var localPort)
                && localPort == port
                && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                yield return inode;
            }
        }
    }

    private static List<PortOwner> OwnersOfSockets(HashSet<long> inodes)
    {
        var targets = inodes.Select(inode => $"socket:[{inode}]").ToHashSet(StringComparer.Ordinal);
        var owners = new List<PortOwner>();
        foreach (var processDir in SafeEnumerate("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(processDir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            foreach (var fd in SafeEnumerate(Path.Combine(processDir, "fd")))
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                if (target is not null && targets.Contains(target))
                {
                    owners.Add(new PortOwner(pid, ProcessDescription(pid)));
                    break;
                }
            }
        }

        return owners;
    }

    /// <summary><c>lsof -nP -iTCP:port -sTCP:LISTEN -Fpc</c>: lines <c>p1234</c> then <c>cname</c>.</summary>
    private static List<PortOwner> FromLsof(int port)
    {
        var owners = new List<PortOwner>();
        try
        {
            var start = new ProcessStartInfo("lsof", ["-nP", $"-iTCP:{port}", "-sTCP:LISTEN", "-Fpc"])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var lsof = Process.Start(start);
            if (lsof is null)
            {
                return owners;
            }

            var output = lsof.StandardOutput.ReadToEnd();
            lsof.WaitForExit(5000);
            int? pid = null;
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line[0] == 'p' && int.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    pid = parsed;
                }
                else if (line[0] == 'c' && pid is not null)
                {
                    owners.Add(new PortOwner(pid, line[1..]));
                    pid = null;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // lsof is not installed.
        }

        return owners;
    }

    private static string? ProcessDescription(int pid)
    {
        var commandLine = ReadAllTextOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        return commandLine.Length > 0 ? commandLine : ReadAllTextOrEmpty($"/proc/{pid}/comm").Trim() is { Length: > 0 } comm ? comm : null;
    }

    private static string ReadAllTextOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string[] SafeEnumerate(string directory)
    {
        try
        {
            return Directory.GetFileSystemEntries(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
