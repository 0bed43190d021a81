using System.Runtime.InteropServices;
using System.Text;

namespace CodexProxy.Codex;

/// <summary>
/// Who we say we are to the Codex backend. The backend gates features and models on the client version
/// (<c>minimal_client_version</c> in the catalogue), so <see cref="Version"/> names the official Codex CLI release
/// whose wire protocol this proxy speaks, and is sent both as the <c>version</c> header and as the catalogue's
/// <c>client_version</c>. The User-Agent keeps the CLI's format but its terminal slot names this proxy.
/// </summary>
internal static class CodexClientIdentity
{
    /// <summary>The official Codex CLI release whose requests this proxy reproduces. Change it only together with the
    /// headers and body it implies.</summary>
    public const string Version = "0.169.0";

    /// <summary>Sent as <c>originator</c>: the source default of the official CLI.</summary>
    public const string Originator = "codex_cli_rs";

    /// <summary><c>{originator}/{version} ({os} {os_version}; {arch}) chatgpt-codex-proxy/{proxy version}</c>.</summary>
    public static string UserAgent { get; } = BuildUserAgent(
        OperatingSystemName(), OperatingSystemVersion(), Architecture(), typeof(CodexClientIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>The CLI's format, <c>{originator}/{version} ({os} {os_version}; {arch}) {terminal}</c>, where the
    /// terminal slot honestly says the request comes from this proxy. Anything outside printable ASCII becomes
    /// <c>_</c>, as the CLI does, so the value is always a valid header.</summary>
    public static string BuildUserAgent(string osName, string osVersion, string architecture, string proxyVersion) =>
        Sanitize($"{Originator}/{Version} ({osName} {osVersion}; {architecture}) chatgpt-codex-proxy/{proxyVersion}");

    /// <summary>Header values must be printable ASCII; anything else becomes <c>_</c>.</summary>
    public static string Sanitize(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                var builder = new StringBuilder(value.Length);
                foreach (var ch in value)
                {
                    builder.Append(ch is < ' ' or > '~' ? '_' : ch);
                }

                return builder.ToString();
            }
        }

        return value;
    }

    private static string OperatingSystemName()
    {
        if (OperatingSystem.IsMacOS())
        {
            return "Mac OS";
        }

        if (OperatingSystem.IsWindows())
        {
            return "Windows";
        }

        // Like the CLI's os_info: the distribution's name ("Debian", "Ubuntu"), else plain "Linux".
        var name = OsRelease("NAME");
        return string.IsNullOrWhiteSpace(name) ? RuntimeInformation.OSDescription.Split(' ')[0] : name.Replace(" GNU/Linux", string.Empty, StringComparison.Ordinal);
    }

    private static string OperatingSystemVersion()
    {
        if (OperatingSystem.IsLinux() && OsRelease("VERSION_ID") is { Length: > 0 } id)
        {
            // "12" → "12.0.0", "22.04" → "22.4.0": the three-part form os_info reports.
            var parts = id.Split('.').Select(p => int.TryParse(p, out var n) ? n : 0).Concat([0, 0, 0]).Take(3);
            return string.Join('.', parts);
        }

        var version = Environment.OSVersion.Version;
        return $"{version.Major}.{Math.Max(version.Minor, 0)}.{Math.Max(version.Build, 0)}";
    }

    private static string Architecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => OperatingSystem.IsLinux() ? "aarch64" : "arm64",
        System.Runtime.InteropServices.Architecture.X86 => "i686",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string? OsRelease(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith(key + "=", StringComparison.Ordinal))
                {
                    return line[(key.Length + 1)..].Trim().Trim('"');
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No os-release: the generic name is used.
        }

        return null;
    }
}
