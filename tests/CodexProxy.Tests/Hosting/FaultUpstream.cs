using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>A minimal scriptable Codex backend on 127.0.0.1:0: each attempt runs the script with its 1-based number.
/// Records request bodies and counts handlers still running (to prove cancellation reaches upstream).</summary>
internal sealed class FaultUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _attempts;
    private int _open;

    private FaultUpstream(WebApplication app) => _app = app;

    public Func<HttpContext, int, Task> Script { get; set; } = (http, _) => WriteSseAsync(http, TextTurn("Hello"));

    public int Attempts => Volatile.Read(ref _attempts);

    public int OpenRequests => Volatile.Read(ref _open);

    public List<string> Bodies { get; } = [];

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FaultUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FaultUpstream(app);
        app.MapPost("/codex/responses", upstream.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseUrl = new Uri(address);
        return upstream;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref _open);
        try
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            lock (Bodies)
            {
                Bodies.Add(body);
            }

            await Script(http, attempt);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The proxy hung up: exactly what cancellation should do.
        }
        catch (IOException)
        {
            // Same, noticed while writing.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public static string[] TextTurn(string text, int inputTokens = 11, int outputTokens = 7) =>
    [
        """{"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}""",
        """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}""",
        $$"""{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"{{text}}"}""",
        $$$"""{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"{{{text}}}"}]}}""",
        $$$$"""{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":{{{{inputTokens}}}},"output_tokens":{{{{outputTokens}}}}}}}""",
    ];

    public static string Created => """{"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}""";

    public static string Failed(string code) =>
        $$$$"""{"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"{{{{code}}}}","message":"failed: {{{{code}}}}"}}}""";

    public static async Task WriteSseAsync(HttpContext http, params string[] events)
    {
        await StartSseAsync(http);
        foreach (var data in events)
        {
            await WriteEventAsync(http, data);
        }
    }

    public static async Task StartSseAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        await http.Response.StartAsync(http.RequestAborted);
    }

    public static async Task WriteEventAsync(HttpContext http, string data)
    {
        await http.Response.WriteAsync($"data: {data}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    public static async Task WriteErrorAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
