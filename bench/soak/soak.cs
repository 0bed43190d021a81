#:sdk Microsoft.NET.Sdk.Web
#:property PublishAot=false

// Soak and abort bench: a fake Codex upstream in this process, the real proxy as a child process.
// Usage: dotnet run soak.cs -- <proxy-executable> soak [requests] [concurrency]
//        dotnet run soak.cs -- <proxy-executable> aborts [rounds] [streams-per-round]
// soak:   N mixed requests (text, tool, reasoning, retried 503, usage-limit 429, mid-stream failure) at concurrency C;
//         every answer is checked and the proxy's RSS sampled once a second.
// aborts: 2,000 warm-up requests, a baseline, then rounds of streams the client drops after the first text delta
//         while the upstream keeps streaming slowly; then bounded checks that nothing is left open or retained.
// Every wait is bounded; the exit code is 0 only if every check passed.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

var proxyExe = args.Length > 1 ? args[0] : throw new ArgumentException("usage: soak.cs <proxy-executable> soak|aborts [n] [m]");
var mode = args[1];
var scenarioDir = Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "../../tests/CodexProxy.Tests/Transcripts/Scenarios");
var transcripts = new Dictionary<string, byte[]>
{
    ["text"] = File.ReadAllBytes(Path.Combine(scenarioDir, "text-hello.sse")),
    ["tool"] = Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(scenarioDir, "function-call-bash.sse")).Replace("{{COMMAND}}", "ls -la")),
    ["reasoning"] = File.ReadAllBytes(Path.Combine(scenarioDir, "reasoning-then-text.sse")),
    ["midfail"] = File.ReadAllBytes(Path.Combine(scenarioDir, "text-then-failed.sse")),
};
// The slow scenario: the text transcript's opening up to its first delta, then one delta every 200 ms for 30 s.
var textEvents = Encoding.UTF8.GetString(transcripts["text"]).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
var slowOpening = Encoding.UTF8.GetBytes(string.Join("\n\n", textEvents[..5]) + "\n\n");
var slowDelta = Encoding.UTF8.GetBytes(textEvents[5] + "\n\n");
var slowEnd = Encoding.UTF8.GetBytes(textEvents[^1] + "\n\n");
var firstAttempts = new ConcurrentDictionary<string, bool>();
int slowStarted = 0, slowCancelled = 0, slowCompleted = 0;
var slowCancelSeenAt = new ConcurrentDictionary<string, long>();
var requestIds = 0;

// The fake upstream: the scenario is named in the user's prompt ("scenario:<name>:<id>").
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
builder.Logging.ClearProviders();
var upstream = builder.Build();
upstream.MapPost("/codex/responses", async (HttpContext http) =>
{
    var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
    var marker = body.IndexOf("scenario:", StringComparison.Ordinal);
    var parts = body[(marker + 9)..].Split(':', 3);
    var (scenario, id) = (parts[0], parts[1]);
    if (scenario == "slow")
    {
        await SlowStreamAsync(http, id);
        return;
    }

    if (scenario == "retry503" && firstAttempts.TryAdd(id, true))
    {
        http.Response.StatusCode = 503;
        return;
    }

    if (scenario == "usage429")
    {
        http.Response.StatusCode = 429;
        await http.Response.WriteAsync("""{"error":{"type":"usage_limit_reached","message":"limit","resets_in_seconds":600}}""");
        return;
    }

    http.Response.ContentType = "text/event-stream";
    await http.Response.Body.WriteAsync(transcripts[scenario == "retry503" ? "text" : scenario]);
});
await upstream.StartAsync();
var upstreamUrl = new Uri(upstream.Urls.First());

var home = Directory.CreateTempSubdirectory("cxp-soak-").FullName;
var jwt = $"{B64("""{"alg":"none"}""")}.{B64("""{"exp":4102444800,"https://api.openai.com/auth":{"chatgpt_account_id":"acct-soak","chatgpt_plan_type":"pro"}}""")}.c2ln";
File.WriteAllText(Path.Combine(home, "tokens.json"),
    $$"""{"access_token":"{{jwt}}","refresh_token":"rt-soak","expires_at":4102444800000,"chatgpt_account_id":"acct-soak"}""");
var port = FreePort();
var start = new ProcessStartInfo(proxyExe, "start") { RedirectStandardError = true, RedirectStandardOutput = true };
start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
start.Environment["CODEX_BASE_URL"] = upstreamUrl.ToString().TrimEnd('/');
start.Environment["CHATGPT_CODEX_PROXY_HOME"] = home;
start.Environment["LOG_FILE"] = Path.Combine(home, "proxy.log");
start.Environment["LOG_LEVEL"] = "Warning";
using var proxy = Process.Start(start)!;
proxy.OutputDataReceived += (_, _) => { };
proxy.ErrorDataReceived += (_, _) => { };
proxy.BeginOutputReadLine();
proxy.BeginErrorReadLine();

var baseAddress = new Uri($"http://127.0.0.1:{port}");
using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
for (var i = 0; !(await Healthy()); i++)
{
    if (i > 100) { throw new TimeoutException("The proxy did not come up."); }
    await Task.Delay(100);
}

int exitCode;
try
{
    exitCode = mode switch
    {
        "soak" => await SoakAsync(Arg(2, 20_000), Arg(3, 64)),
        "aborts" => await AbortsAsync(Arg(2, 5), Arg(3, 200)),
        _ => throw new ArgumentException($"unknown mode '{mode}' (soak or aborts)"),
    };
}
finally
{
    proxy.Kill();
    await proxy.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
    await upstream.StopAsync(stopping.Token);
    Directory.Delete(home, recursive: true);
}

return exitCode;

async Task<int> SoakAsync(int total, int concurrency)
{
    var rss = new List<long>();
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            lock (rss) { rss.Add(RssKb(proxy.Id)); }
            await Task.Delay(1000);
        }
    });
    var clock = Stopwatch.StartNew();
    var outcomes = await RunMixedAsync(total, concurrency);
    var elapsed = clock.Elapsed;
    await Task.Delay(2000);
    sampling.Cancel();
    await sampler.WaitAsync(TimeSpan.FromSeconds(5));
    var healthyAfter = await Healthy();

    Console.WriteLine($"requests: {total}, concurrency: {concurrency}, elapsed: {elapsed.TotalSeconds:F1} s, throughput: {total / elapsed.TotalSeconds:F0} req/s");
    PrintOutcomes(outcomes);
    long[] samples;
    lock (rss) { samples = [.. rss]; }
    Console.WriteLine($"proxy RSS (MiB) first/peak/last: {Mib(samples[0] * 1024)} / {Mib(samples.Max() * 1024)} / {Mib(samples[^1] * 1024)}");
    Console.WriteLine($"proxy RSS by decile (MiB): {string.Join(" ", Enumerable.Range(0, 10).Select(d => Mib(samples[d * (samples.Length - 1) / 9] * 1024)))}");
    Console.WriteLine($"healthy after the run: {healthyAfter}");
    return AllOk(outcomes) && healthyAfter ? 0 : 1;
}

async Task<int> AbortsAsync(int rounds, int perRound)
{
    var failures = new List<string>();
    void Check(bool passed, string what)
    {
        Console.WriteLine($"  [{(passed ? "pass" : "FAIL")}] {what}");
        if (!passed) { failures.Add(what); }
    }

    var warmUp = await RunMixedAsync(2000, 64);
    Console.WriteLine("warm-up: 2000 mixed requests at concurrency 64");
    PrintOutcomes(warmUp);
    Check(AllOk(warmUp), "warm-up: every answer right");
    Snapshot? baseline = null;
    // Real clients hang up at once; the default drain (up to 1 MiB or 2 s) would delay the proxy's view of the abort.
    using var abortClient = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    var abortedAt = new ConcurrentDictionary<string, long>();
    var outcomes = new ConcurrentDictionary<string, int>();
    var clock = Stopwatch.StartNew();
    // Round 0 is not measured: it sizes the server (GC heaps, pools) for this many concurrent streams, so the baseline
    // compares like with like; the 2,000-request warm-up ran at concurrency 64 only.
    for (var round = 0; round <= rounds; round++)
    {
        var reached = 0;
        var allReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = round * perRound;
        var streams = Enumerable.Range(first, perRound).Select(i => Task.Run(() => AbortOneAsync(i))).ToArray();
        // Hold every stream at its first text delta, look at /health, then let all of them hang up together.
        var gathered = await Task.WhenAny(allReached.Task, Task.Delay(TimeSpan.FromSeconds(60))) == allReached.Task;
        var busy = await HealthAsync();
        var (inFlight, open) = (busy.GetProperty("requests_in_flight").GetInt32(), busy.GetProperty("upstream_streams_open").GetInt32());
        Console.WriteLine($"round {round}: {Volatile.Read(ref reached)}/{perRound} streams at their first delta; /health requests_in_flight {inFlight}, upstream_streams_open {open}");
        Check(gathered && open == perRound && inFlight == perRound, $"round {round}: {perRound} requests in flight and upstream streams open before the abort");
        release.TrySetResult();
        var all = Task.WhenAll(streams);
        Check(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))) == all, $"round {round}: every client task ended");
        if (round == 0)
        {
            await Task.Delay(2000);
            baseline = await SnapshotAsync("baseline (after the warm-up and one unmeasured round)");
            clock.Restart();
            continue;
        }

        foreach (var task in streams.Where(t => t.IsCompletedSuccessfully))
        {
            outcomes.AddOrUpdate(task.Result, 1, (_, n) => n + 1);
        }

        await Task.Delay(1000);
        await SnapshotAsync($"after round {round}");

        async Task<string> AbortOneAsync(int i)
        {
            // Bounded: if anything stalls, this request gives up instead of hanging the round.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var json = $$"""{"model":"claude-sonnet-4-5","max_tokens":4096,"stream":true,"messages":[{"role":"user","content":"scenario:slow:{{i}}:go"}]}""";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            HttpResponseMessage? response = null;
            try
            {
                response = await abortClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode != HttpStatusCode.OK) { return $"BAD:status {(int)response.StatusCode}"; }
                var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                var seen = new StringBuilder();
                var buffer = new byte[4096];
                while (!seen.ToString().Contains("\"text_delta\"", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, timeout.Token);
                    if (n == 0) { return "BAD:ended before a text delta"; }
                    seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }

                if (Interlocked.Increment(ref reached) == perRound) { allReached.TrySetResult(); }
                await release.Task.WaitAsync(timeout.Token);
                return "aborted after the first delta";
            }
            catch (OperationCanceledException)
            {
                return "TIMEOUT";
            }
            catch (HttpRequestException e)
            {
                return $"LOST:{e.HttpRequestError}";
            }
            finally
            {
                // Disposing the unfinished response is the hang-up; merely cancelling a token nothing waits on is not.
                abortedAt[i.ToString(CultureInfo.InvariantCulture)] = Stopwatch.GetTimestamp();
                response?.Dispose();
            }
        }
    }

    var phase = clock.Elapsed;
    Console.WriteLine($"abort phase: {rounds} rounds x {perRound} streams in {phase.TotalSeconds:F1} s");
    PrintOutcomes(outcomes);
    var total = rounds * perRound;
    Check(outcomes.GetValueOrDefault("aborted after the first delta") == total, $"all {total} streams reached a text delta and were aborted by the client");

    // Settle (bounded): the proxy's gauges and the fake's own count must come back without any further traffic.
    var settle = Stopwatch.StartNew();
    JsonElement health;
    do
    {
        await Task.Delay(100);
        health = await HealthAsync();
    }
    while ((health.GetProperty("requests_in_flight").GetInt32() != 0 || health.GetProperty("upstream_streams_open").GetInt32() != 0
            || Volatile.Read(ref slowCancelled) + Volatile.Read(ref slowCompleted) < Volatile.Read(ref slowStarted))
           && settle.Elapsed < TimeSpan.FromSeconds(10));
    Console.WriteLine($"settled in {settle.Elapsed.TotalSeconds:F1} s");
    Check(health.GetProperty("requests_in_flight").GetInt32() == 0, "/health requests_in_flight == 0");
    Check(health.GetProperty("upstream_streams_open").GetInt32() == 0, "/health upstream_streams_open == 0");
    // The fake counts the unmeasured round too.
    Check(slowStarted == total + perRound && slowCancelled == total + perRound && slowCompleted == 0,
        $"fake upstream: {slowStarted} slow streams started, {slowCancelled} cancelled by the proxy, {slowCompleted} ran to the end");
    var lags = slowCancelSeenAt.Where(p => abortedAt.ContainsKey(p.Key))
        .Select(p => Stopwatch.GetElapsedTime(abortedAt[p.Key], p.Value).TotalMilliseconds).Order().ToArray();
    if (lags.Length > 0)
    {
        Console.WriteLine($"client hang-up -> upstream cancelled (ms): p50 {lags[lags.Length / 2]:F0}, p99 {lags[lags.Length * 99 / 100]:F0}, max {lags[^1]:F0}");
    }

    await Task.Delay(2000);
    var after = await SnapshotAsync("after the phase");
    ArgumentNullException.ThrowIfNull(baseline);
    Check(after.ProxyToUpstreamTcp <= baseline.ProxyToUpstreamTcp,
        $"proxy->upstream established TCP connections {after.ProxyToUpstreamTcp} <= {baseline.ProxyToUpstreamTcp} (the idle pool at baseline)");
    // "Baseline" for memory: the GC heap as the runtime reports it without a forced collection (so it includes
    // uncollected garbage) may grow by 10 % or 8 MiB, whichever is larger; RSS (which a server GC keeps once it has
    // sized its heaps for a burst of 200 streams) by 32 MiB.
    var heapLimit = Math.Max(baseline.GcHeap * 11 / 10, baseline.GcHeap + 8 * 1024 * 1024);
    Check(after.GcHeap <= heapLimit, $"GC heap {Mib(after.GcHeap)} MiB <= {Mib(heapLimit)} MiB (baseline {Mib(baseline.GcHeap)} MiB)");
    Check(after.Rss <= baseline.Rss + 32 * 1024 * 1024, $"RSS {Mib(after.Rss)} MiB <= baseline {Mib(baseline.Rss)} + 32 MiB");
    Check(await Healthy(), "healthy after the phase");
    Console.WriteLine(failures.Count == 0 ? "verdict: PASS" : $"verdict: FAIL ({failures.Count} checks)");
    return failures.Count == 0 ? 0 : 1;
}

async Task SlowStreamAsync(HttpContext http, string id)
{
    Interlocked.Increment(ref slowStarted);
    var aborted = http.RequestAborted;
    try
    {
        http.Response.ContentType = "text/event-stream";
        await http.Response.Body.WriteAsync(slowOpening, aborted);
        await http.Response.Body.FlushAsync(aborted);
        for (var i = 0; i < 150; i++)
        {
            // The delay observes the abort too: a loop that only writes would not notice it (Kestrel drops writes to a
            // closed connection silently) and would keep running for its full length.
            await Task.Delay(200, aborted);
            await http.Response.Body.WriteAsync(slowDelta, aborted);
            await http.Response.Body.FlushAsync(aborted);
        }

        await http.Response.Body.WriteAsync(slowEnd, aborted);
        Interlocked.Increment(ref slowCompleted);
    }
    catch (Exception e) when (e is OperationCanceledException or IOException)
    {
        slowCancelSeenAt[id] = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref slowCancelled);
    }
}

async Task<ConcurrentDictionary<string, int>> RunMixedAsync(int total, int concurrency)
{
    string[] scenarios = ["text", "text", "text", "tool", "tool", "reasoning", "reasoning", "retry503", "usage429", "midfail"];
    var outcomes = new ConcurrentDictionary<string, int>();
    var offset = Interlocked.Add(ref requestIds, total) - total;
    await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
    {
        var scenario = scenarios[i % scenarios.Length];
        var stream = i % 3 != 0;
        const string Tools = ""","tools":[{"name":"Bash","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]}""";
        var json = $$"""{"model":"claude-sonnet-4-5","max_tokens":4096,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"scenario:{{scenario}}:m{{offset + i}}:go"}]""" + Tools;
        string verdict;
        try
        {
            using var response = await client.PostAsync("/v1/messages", new StringContent(json, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            verdict = CheckAnswer(scenario, stream, (int)response.StatusCode, text) ? $"ok:{scenario}" : $"BAD:{scenario}:{(int)response.StatusCode}";
        }
        catch (Exception e)
        {
            verdict = $"LOST:{scenario}:{e.GetType().Name}";
        }

        outcomes.AddOrUpdate(verdict, 1, (_, n) => n + 1);
    });
    return outcomes;
}

async Task<Snapshot> SnapshotAsync(string label)
{
    var health = await HealthAsync();
    var memory = health.GetProperty("memory");
    var snapshot = new Snapshot(RssKb(proxy.Id) * 1024, memory.GetProperty("gc_heap_bytes").GetInt64(),
        memory.GetProperty("gc_committed_bytes").GetInt64(), EstablishedTo(proxy.Id, upstreamUrl.Port));
    Console.WriteLine($"{label}: RSS {Mib(snapshot.Rss)} MiB, GC heap {Mib(snapshot.GcHeap)} MiB, GC committed {Mib(snapshot.GcCommitted)} MiB, " +
        $"proxy->upstream TCP established {snapshot.ProxyToUpstreamTcp}");
    return snapshot;
}

async Task<JsonElement> HealthAsync()
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
    using var json = JsonDocument.Parse(await client.GetStringAsync("/health", timeout.Token));
    return json.RootElement.Clone();
}

async Task<bool> Healthy()
{
    try { return (await client.GetAsync("/health")).IsSuccessStatusCode; }
    catch (HttpRequestException) { return false; }
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static void PrintOutcomes(ConcurrentDictionary<string, int> outcomes)
{
    foreach (var (verdict, count) in outcomes.OrderBy(p => p.Key))
    {
        Console.WriteLine($"  {verdict,-30} {count}");
    }
}

static bool AllOk(ConcurrentDictionary<string, int> outcomes) => outcomes.Keys.All(k => k.StartsWith("ok:", StringComparison.Ordinal));

static bool CheckAnswer(string scenario, bool stream, int status, string text) => scenario switch
{
    "usage429" => status == 429 && text.Contains("\"rate_limit_error\""),
    "midfail" when stream => status == 200 && text.Contains("event: error") && text.Contains("overloaded_error"),
    "midfail" => status == 529 && text.Contains("overloaded_error"),
    _ when stream => status == 200 && text.Contains("event: message_stop") && !text.Contains("event: error"),
    _ => status == 200 && text.Contains("\"type\":\"message\""),
};

static long RssKb(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

// Sockets in state 01 (ESTABLISHED) whose remote port is the fake's: only the proxy connects there.
static int EstablishedTo(int pid, int remotePort) => File.ReadLines($"/proc/{pid}/net/tcp").Skip(1)
    .Concat(File.Exists($"/proc/{pid}/net/tcp6") ? File.ReadLines($"/proc/{pid}/net/tcp6").Skip(1) : [])
    .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
    .Count(f => f[3] == "01" && int.Parse(f[2][(f[2].IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == remotePort);

static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

internal sealed record Snapshot(long Rss, long GcHeap, long GcCommitted, int ProxyToUpstreamTcp);
