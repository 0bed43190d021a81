using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The <c>https://chatgpt.com/backend-api/...</c> surface the official Codex CLI needs before and during a turn
/// (see Codex/CodexCliGolden/README.md): <c>POST /backend-api/codex/responses</c> (the same handler as <c>/codex/responses</c>),
/// <c>GET /backend-api/codex/responses</c> (the WebSocket attempt, refused with 426 so the CLI falls back to HTTP),
/// <c>GET /backend-api/codex/models</c> and <c>GET /backend-api/wham/accounts/check</c>. Everything else is a 404.
/// Only mapped when the fake listens with HTTPS: the CLI refuses plain-http ChatGPT origins.
/// </summary>
internal sealed partial class FakeCodexUpstream
{
    public const string AccountId = "acc-codex-cli";

    private readonly List<RecordedRequest> _backendCalls = [];
    private readonly List<RecordedRequest> _webSocketFrames = [];

    /// <summary>Off by default (the upgrade gets a 426 and the CLI falls back to HTTP POST + SSE). When on, the
    /// WebSocket is accepted: every client frame is recorded in <see cref="WebSocketFrames"/>, a warm-up
    /// <c>response.create</c> with <c>generate:false</c> gets an empty completed response, and any other
    /// <c>response.create</c> is answered like a POST (queue, then <see cref="Responder"/>), one event per text frame.</summary>
    public bool AcceptWebSockets { get; set; }

    /// <summary>The client's WebSocket messages (method <c>WS</c>), parsed like request bodies, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> WebSocketFrames
    {
        get
        {
            lock (_gate)
            {
                return [.. _webSocketFrames];
            }
        }
    }

    /// <summary>Every request under <c>/backend-api/</c> other than the response POSTs (those are in <see cref="Requests"/>):
    /// the WebSocket attempts, catalogue and account look-ups, plugin, MCP and analytics calls, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> BackendCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _backendCalls];
            }
        }
    }

    /// <summary>The WebSocket upgrade attempts on <c>GET /backend-api/codex/responses</c> (each answered 426).</summary>
    public IReadOnlyList<RecordedRequest> WebSocketAttempts =>
        BackendCalls.Where(call => call.Method == HttpMethods.Get && call.Path.StartsWith("/backend-api/codex/responses", StringComparison.Ordinal)).ToArray();

    private void MapBackendApi(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? string.Empty;
            var isResponsePost = HttpMethods.IsPost(http.Request.Method) && path == "/backend-api/codex/responses";
            if (path.StartsWith("/backend-api/", StringComparison.Ordinal) && !isResponsePost)
            {
                var call = await RecordAsync(http.Request);
                lock (_gate)
                {
                    _backendCalls.Add(call);
                    call.Number = _backendCalls.Count;
                }
            }

            await next(http);
        });
        app.MapPost("/backend-api/codex/responses", HandleAsync);
        app.UseWebSockets();
        app.MapGet("/backend-api/codex/responses", async (HttpContext http) =>
        {
            if (!AcceptWebSockets || !http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("""{"detail":"WebSockets are not served by this fake"}""");
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await ServeWebSocketAsync(socket, http.RequestAborted);
        });
        app.MapGet("/backend-api/codex/models", (HttpRequest request) =>
        {
            ModelsAuthorization = request.Headers.Authorization;
            return ModelsFailureStatus is { } status
                ? Results.Text("""{"detail":"Internal Server Error"}""", "application/json", statusCode: status)
                : ModelsCatalogue is { } catalogue
                    ? Results.Text(FilterCatalogue(catalogue, request.Query["client_version"]), "application/json")
                    : Results.Text("""{"detail":"Not Found"}""", "application/json", statusCode: StatusCodes.Status404NotFound);
        });
        app.MapGet("/backend-api/wham/accounts/check", (HttpRequest request) => Results.Text(
            AccountsCheck($"{request.Scheme}://{request.Host}"), "application/json"));
    }

    private async Task ServeWebSocketAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer, cancellationToken);
                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    return;
                }

                var frame = FrameRecord(message.ToArray());
                lock (_gate)
                {
                    _webSocketFrames.Add(frame);
                    frame.Number = _webSocketFrames.Count;
                }

                if (frame.Json is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("type", out var type)
                    || !type.ValueEquals("response.create"))
                {
                    continue;
                }

                var events = json.TryGetProperty("generate", out var generate) && generate.ValueKind == JsonValueKind.False
                    ? WarmUpEvents($"resp_ws_warmup_{frame.Number}")
                    : EventData(NextScenario(frame));
                foreach (var data in events)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(data), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }

                frame.MarkResponseFinished();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or IOException)
        {
            // The CLI went away.
        }
    }

    private UpstreamScenario NextScenario(RecordedRequest frame)
    {
        UpstreamScenario scenario;
        lock (_gate)
        {
            scenario = (_scenarios.TryDequeue(out var next) ? next : null)
                ?? (Responder is { } responder ? UpstreamScenario.Dynamic(responder) : NoScenario());
        }

        while (scenario is DynamicScenario dynamic)
        {
            scenario = dynamic.Responder(frame);
        }

        return scenario;
    }

    /// <summary>The <c>data:</c> JSON of each event of an SSE scenario; an error scenario becomes an <c>error</c> event.</summary>
    private static IEnumerable<string> EventData(UpstreamScenario scenario) => scenario switch
    {
        SseScenario sse => sse.Events.Select(block => block.Split('\n').First(line => line.StartsWith("data:", StringComparison.Ordinal))[5..].Trim()),
        ErrorScenario error => [new JsonObject { ["type"] = "error", ["status"] = error.Status, ["error"] = JsonNode.Parse(error.Body) }.ToJsonString()],
        _ => throw new InvalidOperationException($"{scenario.GetType().Name} cannot be answered over a WebSocket."),
    };

    private static string[] WarmUpEvents(string responseId) =>
    [
        new JsonObject { ["type"] = "response.created", ["response"] = new JsonObject { ["id"] = responseId, ["status"] = "in_progress" } }.ToJsonString(),
        new JsonObject
        {
            ["type"] = "response.completed",
            ["response"] = new JsonObject
            {
                ["id"] = responseId,
                ["status"] = "completed",
                ["output"] = new JsonArray(),
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0, ["total_tokens"] = 0 },
            },
        }.ToJsonString(),
    ];

    private static RecordedRequest FrameRecord(byte[] body)
    {
        JsonElement? json = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Kept as raw bytes.
        }

        return new RecordedRequest
        {
            Method = "WS",
            Path = "/backend-api/codex/responses",
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
            Body = body,
            Json = json,
        };
    }

    /// <summary>One ChatGPT Plus workspace without a residency constraint. The CLI needs an https
    /// <c>workspace_backend_origin</c> (or the literal <c>NO_CONSTRAINT</c>): null fails with
    /// "workspace routing discovery missing backend origin" and no turn is sent.</summary>
    internal static string AccountsCheck(string origin)
    {
        var account = new JsonObject
        {
            ["id"] = AccountId,
            ["plan_type"] = "plus",
            ["workspace_backend_origin"] = origin,
            ["account_routing_override"] = "NO_CONSTRAINT",
        };
        return new JsonObject
        {
            ["accounts"] = new JsonArray(account),
            ["default_account_id"] = AccountId,
        }.ToJsonString();
    }

    /// <summary>Leaves out the models whose <c>minimal_client_version</c> is above <paramref name="clientVersion"/>,
    /// as the backend does. The official client always names its version; a request without a parsable one is
    /// served as the oldest client (only models without a minimal version), so a client that forgets it cannot see
    /// today's models here either.</summary>
    internal static string FilterCatalogue(string catalogue, string? clientVersion)
    {
        var client = Version.TryParse(clientVersion, out var parsed) ? parsed : new Version(0, 0, 0);
        if (JsonNode.Parse(catalogue) is not JsonObject root || root["models"] is not JsonArray models)
        {
            return catalogue;
        }

        foreach (var model in models.ToArray())
        {
            if (model?["minimal_client_version"]?.GetValue<string>() is { } minimal && Version.TryParse(minimal, out var required)
                && required > client)
            {
                models.Remove(model);
            }
        }

        return root.ToJsonString();
    }
}
