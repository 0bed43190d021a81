using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.Auth;

namespace CodexProxy.Cli;

/// <summary>
/// The proxy that <c>claude</c> started in the background, kept in <c>background-proxy.json</c> in the proxy's home:
/// its pid, port and process start time. The start time tells that process apart from a later one that reuses the
/// pid, so <c>stop</c> never signals a process it did not start.
/// </summary>
internal sealed record BackgroundProxyRecord(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("log_file")] string LogFile)
{
    public const string FileName = "background-proxy.json";

    /// <summary>Start times read twice can differ by the rounding of the boot time; a reused pid is far further off.</summary>
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    public static string PathIn(string home) => Path.Combine(home, FileName);

    /// <summary>A record for the running process <paramref name="pid"/>, or null when it has already exited.</summary>
    public static BackgroundProxyRecord? ForRunningProcess(int pid, int port, string logFile) =>
        StartTimeOf(pid) is { } started ? new BackgroundProxyRecord(pid, port, started, logFile) : null;

    public static BackgroundProxyRecord? Load(string home)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(PathIn(home)), BackgroundProxyJsonContext.Default.BackgroundProxyRecord);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void Save(string home) =>
        AtomicFile.Write(PathIn(home), JsonSerializer.SerializeToUtf8Bytes(this, BackgroundProxyJsonContext.Default.BackgroundProxyRecord));

    public static void Delete(string home)
    {
        try
        {
            File.Delete(PathIn(home));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A record that cannot be deleted is recognised as stale next time (its process is gone).
        }
    }

    /// <summary>True while the recorded process runs: the same pid with the same start time.</summary>
    public bool IsRunning() => StartTimeOf(Pid) is { } started && (started - StartedAt).Duration() <= StartTimeTolerance;

    private static DateTimeOffset? StartTimeOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(BackgroundProxyRecord))]
internal sealed partial class BackgroundProxyJsonContext : JsonSerializerContext;
