using System.Diagnostics;
using System.Text.Json.Serialization;
using CodexProxy.Auth;
using CodexProxy.Diagnostics;

namespace CodexProxy.Hosting;

/// <summary><c>GET /health</c>, and <c>HEAD /</c> for Claude Code's (Bun's) preconnect.</summary>
internal static class HealthEndpoint
{
    public static readonly string Version = typeof(HealthEndpoint).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (AccountPool accounts, ActivityGauges gauges) =>
            TypedResults.Json(Report(accounts, gauges), HostingJsonContext.Default.HealthReport));
        app.MapMethods("/", ["HEAD", "GET"], () => TypedResults.Ok());
    }

    /// <summary>Cheap on purpose (probes may poll it): counters and the runtime's own figures, no collection.
    /// Logged in when any account the proxy can route to is.</summary>
    private static HealthReport Report(AccountPool accounts, ActivityGauges gauges) =>
        new("ok", accounts.Usable().Any(account => account.Credentials.HasLogin), Version)
        {
            UptimeSeconds = (long)gauges.Uptime.TotalSeconds,
            // This probe passes through the request middleware too; it is not work the server is doing for anyone.
            RequestsInFlight = Math.Max(0, gauges.RequestsInFlight - 1),
            UpstreamStreamsOpen = gauges.UpstreamStreamsOpen,
            Memory = new HealthMemory(WorkingSetBytes(), GC.GetTotalMemory(false), GC.GetGCMemoryInfo().TotalCommittedBytes),
        };

    /// <summary><see cref="Environment.WorkingSet"/> finds Process by reflection on Unix (0 once trimmed), so ask it directly.</summary>
    private static long WorkingSetBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}

/// <summary>The <c>/health</c> body. The activity fields are optional so <c>doctor</c> can read older servers.</summary>
internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("authenticated")] bool Authenticated,
    [property: JsonPropertyName("version")] string Version)
{
    [JsonPropertyName("uptime_seconds")]
    public long UptimeSeconds { get; init; }

    [JsonPropertyName("requests_in_flight")]
    public int RequestsInFlight { get; init; }

    [JsonPropertyName("upstream_streams_open")]
    public int UpstreamStreamsOpen { get; init; }

    [JsonPropertyName("memory")]
    public HealthMemory? Memory { get; init; }
}

/// <summary>Process memory: the OS view (working set) and the GC's (bytes allocated on the managed heap now,
/// which includes garbage not yet collected, and bytes the GC has committed from the OS).</summary>
internal sealed record HealthMemory(
    [property: JsonPropertyName("working_set_bytes")] long WorkingSetBytes,
    [property: JsonPropertyName("gc_heap_bytes")] long GcHeapBytes,
    [property: JsonPropertyName("gc_committed_bytes")] long GcCommittedBytes);

[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
