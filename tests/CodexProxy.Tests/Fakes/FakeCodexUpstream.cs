using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// A stand-in for <c>https://chatgpt.com/backend-api</c>: serves <c>POST /codex/responses</c> on 127.0.0.1,
/// records every request, validates it like the real backend, and answers from a queue of scenarios
/// (then from <see cref="Responder"/>). Give <see cref="BaseUrl"/> to the proxy as its Codex base URL.
/// </summary>
internal sealed partial class FakeCodexUpstream : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<UpstreamScenario> _scenarios = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(RecordedRequest Request, ErrorScenario Error)> _rejections = [];
    private WebApplication? _app;
    private int _open;

    private FakeCodexUpstream()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Answers requests once the queue is empty. Without one, such requests get a 500 that names the problem.</summary>
    public Func<RecordedRequest, UpstreamScenario>? Responder { get; set; }

    /// <summary>On by default: requests the real backend would refuse get its error instead of a scenario.</summary>
    public bool ValidateRequests { get; set; } = true;

    /// <summary>Served at <c>GET /codex/models</c> when set; otherwise that path is a 404 like any unknown one.</summary>
    public string? ModelsCatalogue { get; set; }

    /// <summary>When set, <c>GET /codex/models</c> answers with this status and an error body instead of the catalogue.</summary>
    public int? ModelsFailureStatus { get; set; }

    /// <summary>The Authorization header of the last <c>GET /codex/models</c>.</summary>
    public string? ModelsAuthorization { get; private set; }

    /// <summary>Answers <c>GET /codex/models</c> when set, ahead of <see cref="ModelsFailureStatus"/> and
    /// <see cref="ModelsCatalogue"/>: e.g. <see cref="UpstreamScenario.Plain"/> with an ETag, a 304, or a script that hangs.</summary>
    public Func<RecordedRequest, UpstreamScenario>? ModelsResponder { get; set; }

    /// <summary>Answers zstd-compressed bodies with 415, like a server without zstd support.</summary>
    public bool RefuseCompressedBodies { get; set; }

    /// <summary>When set, every answer carries <c>x-codex-turn-state</c> with the value it returns (none for null); later
    /// requests of the same turn must echo it (see <c>FakeCodexUpstream.TurnState.cs</c>).</summary>
    public Func<RecordedRequest, string?>? TurnState { get; set; }

    /// <summary><c>Set-Cookie</c> values added to every answer.</summary>
    public IReadOnlyList<string> SetCookies { get; set; } = [];

    /// <summary>Requests whose handler is still running: 0 once every cancelled proxy request reached the fake.</summary>
    public int OpenRequests => Volatile.Read(ref _open);

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many requests arrived so far: each proxy attempt, retries included, is one.</summary>
    public int Attempts
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Requests refused by validation, with the error that was sent. Tests usually assert this is empty.</summary>
    public IReadOnlyList<(RecordedRequest Request, ErrorScenario Error)> Rejections
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejections];
            }
        }
    }

    /// <param name="serverCertificate">When given, the fake serves HTTPS with it and also answers the
    /// <c>/backend-api/...</c> routes the official Codex CLI calls (see <c>FakeCodexUpstream.BackendApi.cs</c>).</param>
    public static async Task<FakeCodexUpstream> StartAsync(CancellationToken cancellationToken, X509Certificate2? serverCertificate = null)
    {
        var fake = new FakeCodexUpstream();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(serverCertificate);
            }
        }));
        var app = builder.Build();
        app.UseWebSockets();
        if (serverCertificate is not null)
        {
            fake.MapBackendApi(app);
        }

        app.MapPost("/codex/responses", fake.HandleAsync);
        app.MapGet("/codex/responses", fake.HandleWebSocketAsync);
        app.MapGet("/codex/models", fake.HandleModelsAsync);
        app.MapFallback(static http =>
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync("""{"detail":"Not Found"}""");
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        fake._app = app;
        return fake;
    }

    public FakeCodexUpstream Enqueue(params UpstreamScenario[] scenarios)
    {
        lock (_gate)
        {
            foreach (var scenario in scenarios)
            {
                _scenarios.Enqueue(scenario);
            }
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _open);
        RecordedRequest? request = null;
        try
        {
            request = await RecordAsync(http.Request);
            var rejection = EncodingRejection(request) ?? (ValidateRequests ? CodexRequestValidator.Validate(request) ?? TurnStateRejection(request) : null);
            UpstreamScenario scenario;
            lock (_gate)
            {
                _requests.Add(request);
                request.Number = _requests.Count;
                if (rejection is not null)
                {
                    _rejections.Add((request, rejection));
                }

                scenario = rejection ?? AccountLimit(request) ?? (_scenarios.TryDequeue(out var next) ? next : null)
                    ?? (Responder is { } responder ? UpstreamScenario.Dynamic(responder) : NoScenario());
            }

            while (scenario is DynamicScenario dynamic)
            {
                scenario = dynamic.Responder(request);
            }

            AddAnswerHeaders(http.Response, request, rejected: rejection is not null);
            request.AnsweringAt = Stopwatch.GetTimestamp();
            await AnswerAsync(http, scenario);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The proxy hung up (e.g. its client went away during a stall).
        }
        catch (IOException)
        {
            // Same, noticed while reading or writing.
        }
        finally
        {
            request?.MarkResponseFinished();
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>A body in an encoding a real server does not accept gets 415 before anything else is looked at.</summary>
    private ErrorScenario? EncodingRejection(RecordedRequest request) =>
        request.ContentEncoding is null || (request.ContentEncoding == "zstd" && !RefuseCompressedBodies)
            ? null
            : new ErrorScenario(StatusCodes.Status415UnsupportedMediaType, $$"""{"detail":"Unsupported Content-Encoding: {{request.ContentEncoding}}"}""");

    /// <summary>A refused request gets no turn state: only an answered turn is routed somewhere.</summary>
    private void AddAnswerHeaders(HttpResponse response, RecordedRequest request, bool rejected)
    {
        if (!rejected && TurnState?.Invoke(request) is { } turnState)
        {
            response.Headers["x-codex-turn-state"] = turnState;
            RememberTurnState(request, turnState);
        }

        foreach (var cookie in SetCookies)
        {
            response.Headers.Append("Set-Cookie", cookie);
        }
    }

    private static ErrorScenario NoScenario() =>
        new(500, """{"detail":"FakeCodexUpstream: no scenario queued for this request"}""");

    private static async Task<RecordedRequest> RecordAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var receivedAt = Stopwatch.GetTimestamp();
        var wireBody = buffer.ToArray();
        // Kestrel does not decode request bodies: decode zstd like the real backend, record other encodings as is.
        var encoding = request.Headers.ContentEncoding.ToString() is { Length: > 0 } named ? named.Trim().ToLowerInvariant() : null;
        var body = encoding == "zstd" ? DecodeZstd(wireBody) : wireBody;
        JsonElement? json = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Recorded as raw bytes only; validation rejects it.
        }

        return new RecordedRequest
        {
            Method = request.Method,
            Path = request.Path + request.QueryString,
            Headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = body,
            Json = json,
            ContentEncoding = encoding is null or "identity" ? null : encoding,
            WireBodyLength = wireBody.Length,
            ReceivedAt = receivedAt,
        };
    }

    private static byte[] DecodeZstd(byte[] compressed)
    {
        try
        {
            using var decompressor = new ZstdSharp.Decompressor();
            return decompressor.Unwrap(compressed).ToArray();
        }
        catch (ZstdSharp.ZstdException)
        {
            // Recorded as is: not JSON, so validation rejects it.
            return compressed;
        }
    }

    private static Task AnswerAsync(HttpContext http, UpstreamScenario scenario) => scenario switch
    {
        ErrorScenario error => WriteErrorAsync(http.Response, error),
        SseScenario sse => StreamAsync(http, sse),
        ScriptScenario script => script.Run(http),
        _ => throw new InvalidOperationException($"Unknown scenario {scenario.GetType().Name}."),
    };

    private static async Task WriteErrorAsync(HttpResponse response, ErrorScenario error)
    {
        response.StatusCode = error.Status;
        response.ContentType = error.ContentType;
        response.Headers["x-request-id"] = NewRequestId();
        foreach (var (name, value) in error.Headers)
        {
            response.Headers[name] = value;
        }

        await response.WriteAsync(error.Body);
    }

    private static async Task StreamAsync(HttpContext http, SseScenario scenario)
    {
        var response = http.Response;
        var aborted = http.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-request-id"] = NewRequestId();
        response.Headers["openai-model"] = "gpt-5.5";
        foreach (var (name, value) in UsageHeaders.Normal())
        {
            response.Headers[name] = value;
        }

        await response.StartAsync(aborted);
        var events = scenario.Events;
        for (var i = 0; i < events.Count; i++)
        {
            if (i == scenario.EndAfterEvents)
            {
                return;
            }

            if (i == scenario.CutAfterEvents)
            {
                await CutAsync(http, scenario.CutGrace);
                return;
            }

            if (i == scenario.StallAfterEvents)
            {
                await Task.Delay(scenario.StallDuration, aborted);
            }

            if (i > 0 && scenario.EventDelay > TimeSpan.Zero)
            {
                await Task.Delay(scenario.EventDelay, aborted);
            }

            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(events[i] + "\n\n"), aborted);
            await response.Body.FlushAsync(aborted);
        }

        if (scenario.CutAfterEvents >= events.Count)
        {
            await CutAsync(http, scenario.CutGrace);
        }
    }

    private static async Task CutAsync(HttpContext http, TimeSpan grace)
    {
        await Task.Delay(grace, http.RequestAborted);
        http.Abort();
    }

    private static string NewRequestId() => $"req_{Guid.NewGuid():N}";
}
