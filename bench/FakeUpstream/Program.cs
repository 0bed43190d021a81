using System.Globalization;
using System.Net;
using FakeUpstream;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A stand-in for the Codex backend for benchmarks: POST /codex/responses streams one assistant message of
// --deltas text deltas, --delay-ms apart. Loopback only. Prints "listening <url>" once ready.
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

app.MapPost("/codex/responses", async (HttpContext context) =>
{
    // Read (and drop) the whole request body, as the real backend does before answering.
    await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
    context.Response.ContentType = "text/event-stream";
    context.Response.Headers.CacheControl = "no-cache";
    await transcript.WriteAsync(context.Response.Body, settings.Delay, context.RequestAborted);
});
app.MapGet("/health", () => "ok");

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {address} deltas={settings.Deltas} delay={settings.Delay.TotalMilliseconds}ms"));
await app.WaitForShutdownAsync();
