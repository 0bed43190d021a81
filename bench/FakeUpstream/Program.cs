using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using FakeUpstream;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A stand-in for the Codex backend for benchmarks: POST /codex/responses streams one assistant message of
// --deltas text deltas, --delay-ms apart, and so does each request frame on a WebSocket to GET /codex/responses (the
// transport the proxy uses by default). Loopback only. Prints "listening <url>" once ready.
// Deliberately not the tests' FakeCodexUpstream: this is a separate process (run.sh and scripts/aot-smoke.sh start
// it beside the AOT binary) that must not record, validate or lock per request, so that it measures the proxy and
// not itself, and must not pull in the test project (xunit, the proxy's own assembly).
var settings = FakeSettings.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, settings.Port);
});
var app = builder.Build();
var transcript = new CodexTranscript(settings.Deltas, settings.DeltaText);
long requestCount = 0, bodyBytes = 0, webSocketTurns = 0;

app.MapPost("/codex/responses", async (HttpContext context) =>
{
    // Read (and drop) the whole request body, as the real backend does before answering.
    // Counted (GET /stats) so a benchmark can report the bytes sent upstream per request.
    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
    long read = 0;
    for (int n; (n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0;)
    {
        read += n;
    }

    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    Interlocked.Add(ref bodyBytes, read);
    Interlocked.Increment(ref requestCount);
    context.Response.ContentType = "text/event-stream";
    context.Response.Headers.CacheControl = "no-cache";
    await transcript.WriteAsync(context.Response.Body, settings.Delay, context.RequestAborted);
});
app.UseWebSockets();
app.MapGet("/codex/responses", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
    try
    {
        // One turn per request frame (read whole and dropped, counted like a POST body), answered on the socket.
        while (true)
        {
            long read = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                read += received.Count;
            }
            while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            Interlocked.Add(ref bodyBytes, read);
            Interlocked.Increment(ref requestCount);
            Interlocked.Increment(ref webSocketTurns);
            await transcript.SendAsync(socket, settings.Delay, context.RequestAborted);
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException)
    {
        // The proxy closed or dropped the socket.
    }
    finally
    {
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }
});
app.MapGet("/health", () => "ok");
app.MapGet("/stats", () => string.Create(CultureInfo.InvariantCulture, $"requests={Interlocked.Read(ref requestCount)} body_bytes={Interlocked.Read(ref bodyBytes)} websocket_turns={Interlocked.Read(ref webSocketTurns)}"));

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {address} deltas={settings.Deltas} delay={settings.Delay.TotalMilliseconds}ms"));
await app.WaitForShutdownAsync();
