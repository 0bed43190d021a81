using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CodexProxy.Auth;

/// <summary>
/// A one-shot Kestrel app on 127.0.0.1 that receives the browser's redirect. Tries 1455, then 1457 (both on the
/// server's redirect allow-list), then any free port, so a busy 1455 never blocks a login. The redirect names
/// 127.0.0.1 too, as the official Codex CLI's does: with <c>localhost</c> the browser may try [::1] first, where
/// another local user could be listening on the same port and receive the code.
/// </summary>
internal sealed class LoopbackCallbackListener : IAsyncDisposable
{
    public const string CallbackPath = "/auth/callback";

    public static readonly IReadOnlyList<int> DefaultPorts = [1455, 1457, 0];

    private const string SuccessPage = """
        <!doctype html><html><head><meta charset="utf-8"><title>Signed in</title></head>
        <body style="font-family:sans-serif;margin:4em"><h1>Signed in to chatgpt-codex-proxy</h1>
        <p>You can close this tab and return to the terminal.</p></body></html>
        """;

    private readonly TaskCompletionSource<string> _code = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _expectedState;
    private readonly ILogger _logger;
    private WebApplication? _app;

    private LoopbackCallbackListener(string expectedState, ILogger logger)
    {
        _expectedState = expectedState;
        _logger = logger;
    }

    public int Port { get; private set; }

    /// <summary>The address the listener is bound to, literally: no name for the browser to resolve elsewhere.</summary>
    public string RedirectUri => $"http://127.0.0.1:{Port}{CallbackPath}";

    /// <summary>Completes with the authorization code, or faults with <see cref="LoginFailedException"/>.</summary>
    public Task<string> Code => _code.Task;

    public static async Task<LoopbackCallbackListener> StartAsync(string expectedState, ILogger logger, IReadOnlyList<int> ports, CancellationToken cancellationToken)
    {
        IOException? lastFailure = null;
        foreach (var port in ports)
        {
            var listener = new LoopbackCallbackListener(expectedState, logger);
            var app = listener.Build(port);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                lastFailure = e;
                await app.DisposeAsync();
                continue;
            }

            listener._app = app;
            listener.Port = ReadBoundPort(app);
            AuthLog.CallbackListening(logger, listener.Port);
            return listener;
        }

        throw new LoginFailedException($"Could not listen for the login callback on 127.0.0.1 (ports {string.Join(", ", ports)}).", lastFailure);
    }

    public async ValueTask DisposeAsync()
    {
        _code.TrySetCanceled();
        if (_app is { } app)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.MapGet(CallbackPath, HandleCallback);
        // The official CLI asks a stale login server on its port to go away with /cancel; honour that too, but only
        // from a program: a web page must not be able to end the user's login (an image tag would do).
        app.MapGet("/cancel", (HttpContext context) =>
        {
            context.Response.Headers.Connection = "close";
            if (IsFromBrowser(context.Request, Port))
            {
                AuthLog.CallbackRejected(_logger, "a browser request to /cancel");
                return Results.Text("Only a login program may cancel this login.", statusCode: StatusCodes.Status403Forbidden);
            }

            _code.TrySetException(new LoginFailedException("The login was cancelled by another login attempt."));
            return Results.Text("Login cancelled.");
        });
        return app;
    }

    private IResult HandleCallback(HttpContext context)
    {
        context.Response.Headers.Connection = "close";
        var callback = AuthorizationCallback.FromQuery(context.Request.Query.ToDictionary(), _expectedState);
        if (callback.Rejection is { } rejection)
        {
            // Keep waiting: a stray or forged request must not end the user's real login.
            AuthLog.CallbackRejected(_logger, rejection);
            return Results.Text(rejection, statusCode: StatusCodes.Status400BadRequest);
        }

        if (callback.Failure is { } failure)
        {
            _code.TrySetException(new LoginFailedException(failure));
            return Results.Text(failure, statusCode: StatusCodes.Status400BadRequest);
        }

        _code.TrySetResult(callback.Code!);
        return Results.Content(SuccessPage, "text/html; charset=utf-8");
    }

    /// <summary>Browsers send fetch metadata or an Origin with every request (cross-site ones included), and a
    /// DNS-rebound page its own host name; a program such as the Codex CLI sends none of these.</summary>
    internal static bool IsFromBrowser(HttpRequest request, int port) =>
        request.Headers.ContainsKey("Sec-Fetch-Site") || request.Headers.ContainsKey("Sec-Fetch-Mode")
        || request.Headers.Origin.Count > 0
        || request.Host.Port != port
        || request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]");

    private static int ReadBoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }
}
