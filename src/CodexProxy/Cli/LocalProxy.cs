using System.Collections;
using System.Net.Http.Json;
using System.Text.Json;
using CodexProxy.Hosting;

namespace CodexProxy.Cli;

/// <summary>The user's local proxy: its URL and whether it answers; where a command is on PATH.</summary>
internal static class LocalProxy
{
    public static Uri BaseUrl(int port) => new($"http://127.0.0.1:{port}");

    /// <summary>The proxy's <c>/health</c> report, or null when nothing (or something else) answers.</summary>
    public static async Task<HealthReport?> ProbeAsync(HttpClient http, int port, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait ?? TimeSpan.FromSeconds(2));
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
