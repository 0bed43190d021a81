using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The WebSocket side of the fake (<c>GET /codex/responses</c>, and <c>/backend-api/codex/responses</c> for the Codex
/// CLI), speaking the protocol the official CLI uses: each <c>response.create</c> frame is a request whose
/// <c>previous_response_id</c> names a response given earlier on the same socket. Per socket the fake keeps, for every
/// completed response, the model input it saw plus its output items in replay form (ids and statuses dropped, as a
/// stateless client resends them), so it RECONSTRUCTS each frame's full model input, records it in
/// <see cref="WebSocketTurns"/>, validates it like an HTTP body, and answers like a POST (queue, then
/// <see cref="Responder"/>, which sees the reconstructed request), one event per text message. An unknown
/// <c>previous_response_id</c> gets the backend's <c>previous_response_not_found</c> error.
/// </summary>
internal sealed partial class FakeCodexUpstream
{
    private readonly List<RecordedRequest> _webSocketFrames = [];
    private readonly List<RecordedRequest> _webSocketTurns = [];
    private readonly List<HttpContext> _openSockets = [];
    private readonly Queue<int> _upgradeRefusals = new();
    private int _forgetResponses;

    /// <summary>Off by default: the upgrade gets a 426, as a client that must fall back to HTTP POST + SSE sees it.</summary>
    public bool AcceptWebSockets { get; set; }

    /// <summary>Negotiates <c>permessage-deflate</c> when the client offers it (the proxy offers it, as the CLI does).</summary>
    public bool DeflateWebSockets { get; set; }

    /// <summary>The <c>Sec-WebSocket-Extensions</c> the fake answered each accepted upgrade with (empty when none).</summary>
    public ConcurrentQueue<string> NegotiatedExtensions { get; } = new();

    /// <summary>The client's WebSocket messages (method <c>WS</c>), as sent, in arrival order.</summary>
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

    /// <summary>One per answered <c>response.create</c> (warm-ups excluded): the full request the frame stands for,
    /// its input reconstructed from the socket's history; <see cref="RecordedRequest.Number"/> is the frame's number.</summary>
    public IReadOnlyList<RecordedRequest> WebSocketTurns
    {
        get
        {
            lock (_gate)
            {
                return [.. _webSocketTurns];
            }
        }
    }

    public int OpenWebSockets
    {
        get
        {
            lock (_gate)
            {
                return _openSockets.Count;
            }
        }
    }

    /// <summary>Resets every open socket's connection, as a backend that drops idle or broken connections does.</summary>
    public void DropWebSockets()
    {
        lock (_gate)
        {
            foreach (var http in _openSockets)
            {
                http.Abort();
            }
        }
    }

    /// <summary>The next upgrades are answered with these statuses (e.g. 401) instead of being accepted.</summary>
    public void RefuseNextUpgrades(params int[] statuses)
    {
        lock (_gate)
        {
            foreach (var status in statuses)
            {
                _upgradeRefusals.Enqueue(status);
            }
        }
    }

    /// <summary>Every open socket forgets the responses it gave so far (as after a backend restart or eviction): a
    /// later <c>previous_response_id</c> naming one of them gets <c>previous_response_not_found</c>.</summary>
    public void ForgetWebSocketResponses() => Interlocked.Increment(ref _forgetResponses);

    private async Task HandleWebSocketAsync(HttpContext http)
    {
        if (!(http.Request.Path.Value ?? "").StartsWith("/backend-api/", StringComparison.Ordinal))
        {
            var attempt = await RecordAsync(http.Request);
            lock (_gate)
            {
                _backendCalls.Add(attempt);
                attempt.Number = _backendCalls.Count;
            }
        }

        int? refusal;
        lock (_gate)
        {
            refusal = _upgradeRefusals.TryDequeue(out var status) ? status : null;
        }

        if (refusal is { } refused)
        {
            http.Response.StatusCode = refused;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"detail":"Unauthorized"}""");
            return;
        }

        if (!AcceptWebSockets || !http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"detail":"WebSockets are not served by this fake"}""");
            return;
        }

        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = DeflateWebSockets });
        NegotiatedExtensions.Enqueue(http.Response.Headers.SecWebSocketExtensions.ToString());
        lock (_gate)
        {
            _openSockets.Add(http);
        }

        try
        {
            await ServeWebSocketAsync(http, socket, headers);
        }
        finally
        {
            lock (_gate)
            {
                _openSockets.Remove(http);
            }
        }
    }

    private async Task ServeWebSocketAsync(HttpContext http, WebSocket socket, Dictionary<string, string> headers)
    {
        var cancellationToken = http.RequestAborted;
        var history = new Dictionary<string, List<JsonNode>>(StringComparer.Ordinal);
        var forgotten = Volatile.Read(ref _forgetResponses);
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

                if (Volatile.Read(ref _forgetResponses) != forgotten)
                {
                    forgotten = Volatile.Read(ref _forgetResponses);
                    history.Clear();
                }

                try
                {
                    if (frame.Json is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("type", out var type) && type.ValueEquals("response.create"))
                    {
                        await AnswerFrameAsync(http, socket, frame, headers, history);
                    }
                }
                finally
                {
                    frame.MarkResponseFinished();
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away, or a scenario cut the connection.
        }
    }

    private async Task AnswerFrameAsync(
        HttpContext http, WebSocket socket, RecordedRequest frame, Dictionary<string, string> headers, Dictionary<string, List<JsonNode>> history)
    {
        var body = JsonNode.Parse(frame.Body)!.AsObject();
        var previous = body["previous_response_id"]?.GetValue<string>();
        List<JsonNode> known = [];
        if (previous is not null && !history.TryGetValue(previous, out known!))
        {
            await SendAsync(socket, PreviousResponseNotFound(previous), http.RequestAborted);
            return;
        }

        List<JsonNode> input = [.. known.Select(item => item.DeepClone()), .. body["input"]?.AsArray().Select(item => item!.DeepClone()) ?? []];
        if (body["generate"]?.GetValueKind() == JsonValueKind.False)
        {
            var warmUpId = $"resp_ws_warmup_{frame.Number}";
            history[warmUpId] = input;
            foreach (var data in WarmUpEvents(warmUpId))
            {
                await SendAsync(socket, data, http.RequestAborted);
            }

            return;
        }

        var turn = TurnRecord(frame, body, input, headers);
        var rejection = ValidateRequests ? CodexRequestValidator.Validate(turn) : null;
        lock (_gate)
        {
            _webSocketTurns.Add(turn);
            if (rejection is not null)
            {
                _rejections.Add((turn, rejection));
            }
        }

        var scenario = rejection ?? NextScenario(turn);
        try
        {
            turn.AnsweringAt = Stopwatch.GetTimestamp();
            await AnswerTurnAsync(http, socket, scenario, input, history);
        }
        finally
        {
            turn.MarkResponseFinished();
        }
    }

    private UpstreamScenario NextScenario(RecordedRequest turn)
    {
        UpstreamScenario scenario;
        lock (_gate)
        {
            scenario = (_scenarios.TryDequeue(out var next) ? next : null)
                ?? (Responder is { } responder ? UpstreamScenario.Dynamic(responder) : NoScenario());
        }

        while (scenario is DynamicScenario dynamic)
        {
            scenario = dynamic.Responder(turn);
        }

        return scenario;
    }
}
