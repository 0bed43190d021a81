using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The floor under the proxy: a relay built from the same parts (Kestrel in, SocketsHttpHandler out, the same GC and
// runtime settings) that does none of the work. It reads the whole request body, posts it unchanged to
// {upstream}/codex/responses and copies the answer back as it arrives. `bench/floor.sh` loads it exactly as `run.sh`
// loads the proxy, so "proxy minus relay" is what translation costs and "relay" is what any proxy on this stack costs.
// Loopback only. Usage: NullRelay --upstream http://127.0.0.1:PORT [--port P]. Prints "listening <url>" once ready.
var upstream = new Uri(Argument("--upstream") ?? throw new ArgumentException("--upstream URL is required"));
if (!IPAddress.IsLoopback((await Dns.GetHostAddressesAsync(upstream.Host))[0]))
{
    throw new ArgumentException("--upstream must be a loopback URL");
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, int.Parse(Argument("--port") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
});
var app = builder.Build();
using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    Timeout = Timeout.InfiniteTimeSpan,
};
var responses = new Uri(upstream, "/codex/responses");

app.MapGet("/health", () => "ok");
app.MapPost("/v1/messages", async (HttpContext context) =>
{
    var body = new ArrayBufferWriter<byte>(16 * 1024);
    for (int n; (n = await context.Request.Body.ReadAsync(body.GetMemory(16 * 1024), context.RequestAborted)) > 0;)
    {
        body.Advance(n);
    }

    using var request = new HttpRequestMessage(HttpMethod.Post, responses) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
    request.Content.Headers.ContentType = new("application/json");
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
    context.Response.StatusCode = (int)response.StatusCode;
    context.Response.ContentType = "text/event-stream";
    await using var events = await response.Content.ReadAsStreamAsync(context.RequestAborted);
    var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    try
    {
        for (int n; (n = await events.ReadAsync(buffer, context.RequestAborted)) > 0;)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
});

await app.StartAsync();
Console.WriteLine($"listening {app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}");
await app.WaitForShutdownAsync();

string? Argument(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
