using System.Diagnostics;
using System.Globalization;

namespace CodexProxy.Cli;

/// <summary>A process listening on a TCP port. <paramref name="Pid"/> is null when the OS would not say which process
/// it is; <paramref name="Uid"/> (the socket's owner) is null when it would not say whose.</summary>
internal sealed record PortOwner(int? Pid, string? Name, uint? Uid = null);

/// <summary>Who listens on a TCP port: <c>/proc/net/tcp{,6}</c> plus <c>/proc/*/fd</c> on Linux, else <c>lsof</c>.</summary>
internal static class PortOwners
{
    private const string ListenState = "0A";

    private static readonly string[] ProcNetTcpFiles = ["/proc/net/tcp", "/proc/net/tcp6"];

    public static IReadOnlyList<PortOwner> Find(int port)
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/net/tcp"))
        {
            var sockets = ProcNetTcpFiles
                .Where(File.Exists)
                .SelectMany(path => ListeningSockets(ReadAllTextOrEmpty(path), port))
                .DistinctBy(socket => socket.Inode)
                .ToDictionary(socket => socket.Inode, socket => socket.Uid);
            if (sockets.Count == 0)
            {
                return [];
            }

            // Another user's process hides its descriptors, but /proc/net/tcp still names the socket's owner.
            var owners = OwnersOfSockets(sockets);
            return owners.Count > 0 ? owners : sockets.Values.Distinct().Select(uid => new PortOwner(null, null, uid)).ToList();
        }

        return FromLsof(port);
    }

    /// <summary>Sockets (inode and owner's uid) in LISTEN state on <paramref name="port"/>, from the text of <c>/proc/net/tcp</c>.</summary>
    public static IEnumerable<(long Inode, uint Uid)> ListeningSockets(string procNetTcp, int port)
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
                && uint.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                yield return (inode, uid);
            }
        }
    }

    private static List<PortOwner> OwnersOfSockets(Dictionary<long, uint> sockets)
    {
        var targets = sockets.ToDictionary(socket => $"socket:[{socket.Key}]", socket => socket.Value, StringComparer.Ordinal);
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

                if (target is not null && targets.TryGetValue(target, out var uid))
                {
                    owners.Add(new PortOwner(pid, ProcessDescription(pid), uid));
                    break;
                }
            }
        }

        return owners;
    }

    /// <summary><c>lsof -nP -iTCP:port -sTCP:LISTEN -Fpcu</c>: per process the lines <c>p1234</c>, <c>cname</c>, <c>u501</c>.</summary>
    private static List<PortOwner> FromLsof(int port)
    {
        var owners = new List<PortOwner>();
        try
        {
            var start = new ProcessStartInfo("lsof", ["-nP", $"-iTCP:{port}", "-sTCP:LISTEN", "-Fpcu"])
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
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line[0] == 'p' && int.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    owners.Add(new PortOwner(parsed, null));
                }
                else if (line[0] == 'c' && owners.Count > 0)
                {
                    owners[^1] = owners[^1] with { Name = line[1..] };
                }
                else if (line[0] == 'u' && owners.Count > 0 && uint.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                {
                    owners[^1] = owners[^1] with { Uid = uid };
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
