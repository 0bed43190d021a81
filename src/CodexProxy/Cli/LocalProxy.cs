using System.Collections;
using System.Net.Http.Json;
using System.Text.Json;
using CodexProxy.Configuration;
using CodexProxy.Hosting;

namespace CodexProxy.Cli;

/// <summary>Where the user's local proxy lives (port, URL, log file) and whether it answers.</summary>
internal static class LocalProxy
{
    public const string PortVariable = "CHATGPT_CODEX_PROXY_PORT";

    public const string LogFileVariable = "LOG_FILE";

    /// <summary><c>CHATGPT_CODEX_PROXY_PORT</c>, else <c>PORT</c>, else 19080 (the seed's <c>gpt()</c> order).</summary>
    public static int ResolvePort(IDictionary environment)
    {
        foreach (var name in new[] { PortVariable, "PORT" })
        {
            if (environment[name] is string { Length: > 0 } text)
            {
                return int.TryParse(text.Trim(), out var port) && port is > 0 and <= 65535
                    ? port
                    : throw new InvalidOperationException($"{name} must be a port number from 1 to 65535, not '{text}'.");
            }
        }

        return ProxyOptions.DefaultPort;
    }

    public static Uri BaseUrl(int port) => new($"http://127.0.0.1:{port}");

    /// <summary>The server's log: <c>LOG_FILE</c>, else <c>chatgpt-codex-proxy.log</c> in the system temp dir.</summary>
    public static string LogFilePath(IDictionary environment) =>
        environment[LogFileVariable] is string { Length: > 0 } path
            ? path.Trim()
            : Path.Combine(Path.GetTempPath(), "chatgpt-codex-proxy.log");

    /// <summary>The proxy's <c>/health</c> report, or null when nothing (or something else) answers.</summary>
    public static async Task<HealthReport?> ProbeAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var response = await http.GetAsync(new Uri(BaseUrl(port), "/health"), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var report = await response.Content.ReadFromJsonAsync(HostingJsonContext.Default.HealthReport, timeout.Token);
            return report is { Status: "ok" } ? report : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException
                                  or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The first file named <paramref name="command"/> on PATH (with Windows' executable extensions).</summary>
    public static string? FindOnPath(string command, IDictionary environment)
    {
        var extensions = OperatingSystem.IsWindows()
            ? ((environment["PATHEXT"] as string) ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [string.Empty];
        var directories = ((environment["PATH"] as string) ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories
            .SelectMany(dir => extensions.Select(extension => Path.Combine(dir, command + extension.ToLowerInvariant())))
            .FirstOrDefault(File.Exists);
    }
}
