#:sdk Microsoft.NET.Sdk.Web
#:property PublishAot=false

// Soak: a fake Codex upstream in this process, the real proxy as a child process, and N requests at concurrency C
// mixing text, tool, reasoning, retried-503, usage-limit-429 and mid-stream-failure scenarios. Every answer is
// checked; the proxy's RSS is sampled once a second. Usage: dotnet run soak.cs -- <proxy-executable> [requests] [concurrency]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

var proxyExe = args.Length > 0 ? args[0] : throw new ArgumentException("usage: soak.cs <proxy-executable> [requests] [concurrency]");
var total = args.Length > 1 ? int.Parse(args[1]) : 20_000;
var concurrency = args.Length > 2 ? int.Parse(args[2]) : 64;
var scenarioDir = Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "../../tests/CodexProxy.Tests/Transcripts/Scenarios");
var transcripts = new Dictionary<string, byte[]>
{
    ["text"] = File.ReadAllBytes(Path.Combine(scenarioDir, "text-hello.sse")),
    ["tool"] = Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(scenarioDir, "function-call-bash.sse")).Replace("{{COMMAND}}", "ls -la")),
    ["reasoning"] = File.ReadAllBytes(Path.Combine(scenarioDir, "reasoning-then-text.sse")),
    ["midfail"] = File.ReadAllBytes(Path.Combine(scenarioDir, "text-then-failed.sse")),
};
var firstAttempts = new ConcurrentDictionary<string, bool>();

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
var upstreamUrl = upstream.Urls.First();

var home = Directory.CreateTempSubdirectory("cxp-soak-").FullName;
var jwt = $"{B64("""{"alg":"none"}""")}.{B64("""{"exp":4102444800,"https://api.openai.com/auth":{"chatgpt_account_id":"acct-soak","chatgpt_plan_type":"pro"}}""")}.c2ln";
File.WriteAllText(Path.Combine(home, "tokens.json"),
    $$"""{"access_token":"{{jwt}}","refresh_token":"rt-soak","expires_at":4102444800000,"chatgpt_account_id":"acct-soak"}""");
var port = FreePort();
var start = new ProcessStartInfo(proxyExe, "start") { RedirectStandardError = true, RedirectStandardOutput = true };
start.Environment["PORT"] = port.ToString();
start.Environment["CODEX_BASE_URL"] = upstreamUrl;
start.Environment["CHATGPT_CODEX_PROXY_HOME"] = home;
start.Environment["LOG_FILE"] = Path.Combine(home, "proxy.log");
start.Environment["LOG_LEVEL"] = "Warning";
using var proxy = Process.Start(start)!;
proxy.OutputDataReceived += (_, _) => { };
proxy.ErrorDataReceived += (_, _) => { };
proxy.BeginOutputReadLine();
proxy.BeginErrorReadLine();

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
for (var i = 0; !(await Healthy()); i++)
{
    if (i > 100) { throw new TimeoutException("The proxy did not come up."); }
    await Task.Delay(100);
}

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

string[] scenarios = ["text", "text", "text", "tool", "tool", "reasoning", "reasoning", "retry503", "usage429", "midfail"];
var outcomes = new ConcurrentDictionary<string, int>();
var clock = Stopwatch.StartNew();
await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
{
    var scenario = scenarios[i % scenarios.Length];
    var stream = i % 3 != 0;
    var json = $$"""{"model":"claude-sonnet-4-5","max_tokens":4096,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"scenario:{{scenario}}:{{i}}:go"}],"tools":[{"name":"Bash","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]}""";
    string verdict;
    try
    {
        using var response = await client.PostAsync("/v1/messages", new StringContent(json, Encoding.UTF8, "application/json"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        verdict = Check(scenario, stream, (int)response.StatusCode, text) ? $"ok:{scenario}" : $"BAD:{scenario}:{(int)response.StatusCode}";
    }
    catch (Exception e)
    {
        verdict = $"LOST:{scenario}:{e.GetType().Name}";
    }

    outcomes.AddOrUpdate(verdict, 1, (_, n) => n + 1);
});
var elapsed = clock.Elapsed;
await Task.Delay(2000);
sampling.Cancel();
await sampler;
var healthyAfter = await Healthy();
proxy.Kill();
await proxy.WaitForExitAsync();
await upstream.StopAsync();
Directory.Delete(home, recursive: true);

Console.WriteLine($"requests: {total}, concurrency: {concurrency}, elapsed: {elapsed.TotalSeconds:F1} s, throughput: {total / elapsed.TotalSeconds:F0} req/s");
foreach (var (verdict, count) in outcomes.OrderBy(p => p.Key))
{
    Console.WriteLine($"  {verdict,-24} {count}");
}

long[] samples;
lock (rss) { samples = [.. rss]; }
Console.WriteLine($"proxy RSS (MiB) first/peak/last: {samples[0] / 1024.0:F0} / {samples.Max() / 1024.0:F0} / {samples[^1] / 1024.0:F0}");
Console.WriteLine($"proxy RSS by decile (MiB): {string.Join(" ", Enumerable.Range(0, 10).Select(d => (samples[d * (samples.Length - 1) / 9] / 1024.0).ToString("F0")))}");
Console.WriteLine($"healthy after the run: {healthyAfter}");
return outcomes.Keys.All(k => k.StartsWith("ok:", StringComparison.Ordinal)) && healthyAfter ? 0 : 1;

static bool Check(string scenario, bool stream, int status, string text) => scenario switch
{
    "usage429" => status == 429 && text.Contains("\"rate_limit_error\""),
    "midfail" when stream => status == 200 && text.Contains("event: error") && text.Contains("overloaded_error"),
    "midfail" => status == 529 && text.Contains("overloaded_error"),
    _ when stream => status == 200 && text.Contains("event: message_stop") && !text.Contains("event: error"),
    _ => status == 200 && text.Contains("\"type\":\"message\""),
};

async Task<bool> Healthy()
{
    try { return (await client.GetAsync("/health")).IsSuccessStatusCode; }
    catch (HttpRequestException) { return false; }
}

static long RssKb(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
