using System.Globalization;

namespace CodexProxy.Cli;

/// <summary>
/// Whether the proxy answering on a port may be used: it must be this program (it answered <c>/health</c> like this
/// proxy) run by this user (the listening socket is this user's). Anything else on the port could read every prompt
/// and hand back anything, so the launcher refuses it and says who holds the port.
/// </summary>
internal static class ProxyOwnership
{
    private const string PickAnotherPort = "Pick another port: CHATGPT_CODEX_PROXY_PORT=18080 chatgpt-codex-proxy claude";

    /// <summary>Null when every listener on <paramref name="port"/> belongs to <paramref name="currentUid"/>; else why not.</summary>
    public static string? Refusal(int port, IReadOnlyList<PortOwner> owners, uint currentUid)
    {
        ArgumentNullException.ThrowIfNull(owners);
        if (owners.Count == 0)
        {
            return $"Port {port} answers like this proxy, but its owner cannot be determined here, so it is not used. {PickAnotherPort}";
        }

        var strangers = owners.Where(owner => owner.Uid != currentUid).ToList();
        return strangers.Count == 0
            ? null
            : $"Port {port} is held by {string.Join(", ", strangers.Select(Describe))}, not by you, so the proxy there is not used "
              + $"(it could read every prompt). {PickAnotherPort}";
    }

    /// <summary>Why a port that does not answer like this proxy cannot be used to start one.</summary>
    public static string Taken(int port, IReadOnlyList<PortOwner> owners)
    {
        ArgumentNullException.ThrowIfNull(owners);
        return $"Port {port} is taken by {string.Join(", ", owners.Select(Describe))}, which is not this proxy. {PickAnotherPort}";
    }

    public static string Describe(PortOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var user = owner.Uid is { } uid ? $"user {UserName(uid)}" : "an unknown user";
        return owner switch
        {
            { Pid: { } pid, Name: { } name } => $"pid {pid.ToString(CultureInfo.InvariantCulture)} ({name}) of {user}",
            { Pid: { } pid } => $"pid {pid.ToString(CultureInfo.InvariantCulture)} of {user}",
            _ => $"a process of {user}",
        };
    }

    /// <summary>The login name from <c>/etc/passwd</c> when it is there, else the number.</summary>
    private static string UserName(uint uid)
    {
        var number = uid.ToString(CultureInfo.InvariantCulture);
        try
        {
            var entry = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(fields => fields.Length > 2 && fields[2] == number);
            return entry is null ? $"uid {number}" : $"{entry[0]} (uid {number})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"uid {number}";
        }
    }
}
