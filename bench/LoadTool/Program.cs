using System.Globalization;
using LoadTool;

// Drives N concurrent streamed POSTs at one loopback URL and prints one "key=value" line of results.
LoadSettings settings;
try
{
    settings = LoadSettings.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

var body = settings.Shape switch
{
    "small" => RequestBody.Create(settings.BodyKilobytes),
    "claude-code" => ClaudeCodeBody.Create(settings.BodyKilobytes, images: false),
    "claude-code-images" => ClaudeCodeBody.Create(settings.BodyKilobytes, images: true),
    _ => throw new ArgumentException("--shape is small, claude-code or claude-code-images"),
};
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
{
    Timeout = TimeSpan.FromMinutes(2),
};

if (settings.Warmup > 0)
{
    await new LoadRun(http, settings.Url, body, Math.Min(settings.Concurrency, 16), settings.Warmup, TimeSpan.FromSeconds(30), recordGaps: false).RunAsync();
}

var run = new LoadRun(http, settings.Url, body, settings.Concurrency, settings.Requests, settings.Duration, settings.Probe);
var cpuBefore = Environment.CpuUsage.TotalTime;
var result = await run.RunAsync();
var clientCpu = Environment.CpuUsage.TotalTime - cpuBefore;
var line = string.Create(CultureInfo.InvariantCulture,
    $"completed={result.Completed} errors={result.Errors} seconds={result.Elapsed.TotalSeconds:0.000} rps={result.Completed / result.Elapsed.TotalSeconds:0.0} "
    + $"p50_ms={result.LatencyPercentile(0.50):0.000} p99_ms={result.LatencyPercentile(0.99):0.000} "
    + $"ttfe_p50_ms={result.FirstEventPercentile(0.50):0.000} ttfe_p99_ms={result.FirstEventPercentile(0.99):0.000} body_bytes={body.Length} "
    + $"client_cpu_ms={clientCpu.TotalMilliseconds:0.0}");
if (settings.Probe)
{
    line += " gaps_ms=" + string.Join(',', result.DeltaGapsMs.Select(g => g.ToString("0.00", CultureInfo.InvariantCulture)));
}

Console.WriteLine(line);
if (result.FirstError is { } error)
{
    await Console.Error.WriteLineAsync("first error: " + error);
}

return result.Completed > 0 ? 0 : 1;
