using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// Two hostile origins for the browser tests. <see cref="Origin"/> is a web site on another 127.0.0.1 port, serving
/// pages from <see cref="BrowserAttackPages"/> and collecting what they report at <c>/report?page=…</c>.
/// <see cref="StartRebindingAsync"/> stands in for a DNS-rebinding attacker: on 127.0.0.2 with the proxy's own port,
/// it serves the page once (so <c>http://evil.test:PORT</c> is the page's origin), then forwards every later connection
/// to the proxy byte for byte, which is what the proxy would see after the attacker's DNS answer flipped to 127.0.0.1.
/// </summary>
internal sealed class AttackerSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _reports = new(StringComparer.Ordinal);
    private TcpListener? _rebinder;
    private Task? _rebinding;

    private AttackerSite(WebApplication app)
    {
        _app = app;
    }

    public Uri Origin { get; private set; } = null!;

    public static async Task<AttackerSite> StartAsync(Func<string, string> page, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var site = new AttackerSite(app);
        app.MapGet("/{name}.html", (string name) => Results.Content(page(name), "text/html"));
        app.MapPost("/report", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            site.Report(http.Request.Query["page"].ToString(), await reader.ReadToEndAsync(http.RequestAborted));
            return Results.NoContent();
        });
        await app.StartAsync(cancellationToken);
        site.Origin = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return site;
    }

    /// <summary>What the page named <paramref name="page"/> reported, once it has.</summary>
    public Task<string> ReportAsync(string page) => Reports(page).Task;

    /// <summary>Listens on 127.0.0.2:<paramref name="proxy"/>'s port: <paramref name="pagePath"/> is answered with
    /// <paramref name="html"/>, any other request is relayed to the proxy.</summary>
    public void StartRebinding(Uri proxy, string pagePath, string html)
    {
        _rebinder = new TcpListener(IPAddress.Parse("127.0.0.2"), proxy.Port);
        _rebinder.Start();
        _rebinding = Task.Run(async () =>
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _rebinder.AcceptTcpClientAsync();
                    connections.Add(Task.Run(() => ServeAsync(client, proxy, pagePath, html)));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            await Task.WhenAll(connections);
        });
    }

    public async ValueTask DisposeAsync()
    {
        _rebinder?.Stop();
        if (_rebinding is not null)
        {
            await _rebinding;
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private void Report(string page, string body) => Reports(page).TrySetResult(body);

    private TaskCompletionSource<string> Reports(string page) =>
        _reports.GetOrAdd(page, static _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static async Task ServeAsync(TcpClient client, Uri proxy, string pagePath, string html)
    {
        using (client)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream, timeout.Token);
                if (head.Text.StartsWith($"GET {pagePath} ", StringComparison.Ordinal))
                {
                    var body = Encoding.UTF8.GetBytes(html);
                    var answer = $"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), timeout.Token);
                    await stream.WriteAsync(body, timeout.Token);
                    return;
                }

                using var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, proxy.Port, timeout.Token);
                var relay = upstream.GetStream();
                await relay.WriteAsync(head.Bytes, timeout.Token);
                var up = stream.CopyToAsync(relay, timeout.Token);
                var down = relay.CopyToAsync(stream, timeout.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The browser or the proxy closed the connection.
            }
        }
    }

    /// <summary>Reads up to the end of the request head; returns the bytes read so far (possibly with some body).</summary>
    private static async Task<(string Text, byte[] Bytes)> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        while (buffer.Length < 64 * 1024)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            var text = Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return (text, buffer.ToArray());
            }
        }

        return (Encoding.ASCII.GetString(buffer.ToArray()), buffer.ToArray());
    }
}
