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

    /// <summary>An output item as a stateless client replays it: no <c>id</c> or <c>status</c>, content and summary
    /// parts reduced to their type and text, reasoning with <c>content: null</c>.</summary>
    public static JsonNode ReplayForm(JsonNode outputItem)
    {
        var item = outputItem.DeepClone().AsObject();
        item.Remove("id");
        item.Remove("status");
        static JsonArray Parts(JsonNode? parts) => new([.. (parts?.AsArray() ?? []).Select(part => (JsonNode)new JsonObject
        {
            ["type"] = part!["type"]?.DeepClone(),
            ["text"] = part["text"]?.DeepClone(),
        })]);
        switch (item["type"]?.GetValue<string>())
        {
            case "message":
                item["content"] = Parts(item["content"]);
                break;
            case "reasoning":
                item["summary"] = Parts(item["summary"]);
                item["content"] = null;
                break;
        }

        return item;
    }

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
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
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
            await AnswerTurnAsync(http, socket, scenario, input, history);
        }
        finally
        {
            turn.MarkResponseFinished();
        }
    }

    private static async Task AnswerTurnAsync(
        HttpContext http, WebSocket socket, UpstreamScenario scenario, List<JsonNode> input, Dictionary<string, List<JsonNode>> history)
    {
        var aborted = http.RequestAborted;
        if (scenario is ErrorScenario error)
        {
            await SendAsync(socket, WrappedError(error), aborted);
            return;
        }

        if (scenario is not SseScenario sse)
        {
            throw new InvalidOperationException($"{scenario.GetType().Name} cannot be answered over a WebSocket.");
        }

        var events = sse.Events.Select(block => block.Split('\n').First(line => line.StartsWith("data:", StringComparison.Ordinal))[5..].Trim()).ToList();
        var outputs = new List<JsonNode>();
        string? renamed = null;
        for (var i = 0; i < events.Count; i++)
        {
            if (i == sse.EndAfterEvents)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }

            if (i == sse.CutAfterEvents)
            {
                await Task.Delay(sse.CutGrace, aborted);
                http.Abort();
                return;
            }

            if (i == sse.StallAfterEvents)
            {
                await Task.Delay(sse.StallDuration, aborted);
            }

            if (i > 0 && sse.EventDelay > TimeSpan.Zero)
            {
                await Task.Delay(sse.EventDelay, aborted);
            }

            var data = events[i];
            if (JsonNode.Parse(data) is JsonObject codexEvent)
            {
                // Response ids are unique per socket, as the backend's are: a scenario that reuses one is renamed.
                if (codexEvent["response"]?["id"]?.GetValue<string>() is { } id)
                {
                    renamed ??= history.ContainsKey(id) ? $"{id}_{Guid.NewGuid():N}" : id;
                    codexEvent["response"]!["id"] = renamed;
                    data = codexEvent.ToJsonString();
                }

                if (codexEvent["type"]?.GetValue<string>() == "response.output_item.done" && codexEvent["item"] is { } item)
                {
                    outputs.Add(ReplayForm(item));
                }

                if (codexEvent["type"]?.GetValue<string>() == "response.completed" && renamed is not null)
                {
                    history[renamed] = [.. input, .. outputs];
                }
            }

            await SendAsync(socket, data, aborted);
        }

        if (sse.CutAfterEvents >= events.Count)
        {
            await Task.Delay(sse.CutGrace, aborted);
            http.Abort();
        }
    }

    /// <summary>The full request a frame stands for: its fields without the frame-only ones (<c>type</c>,
    /// <c>previous_response_id</c>, <c>generate</c>), the reconstructed input, and the handshake's headers plus the
    /// Responses-lite header that the frame's <c>client_metadata</c> carries.</summary>
    private static RecordedRequest TurnRecord(RecordedRequest frame, JsonObject body, List<JsonNode> input, Dictionary<string, string> headers)
    {
        var full = body.DeepClone().AsObject();
        full.Remove("type");
        full.Remove("previous_response_id");
        full.Remove("generate");
        full["input"] = new JsonArray([.. input.Select(item => item.DeepClone())]);
        var turnHeaders = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        if (body["client_metadata"]?["ws_request_header_x_openai_internal_codex_responses_lite"]?.GetValue<string>() == "true")
        {
            turnHeaders[CodexRequestValidator.ResponsesLiteHeader] = "true";
        }

        var bytes = Encoding.UTF8.GetBytes(full.ToJsonString());
        using var document = JsonDocument.Parse(bytes);
        return new RecordedRequest
        {
            Method = "WS",
            Path = frame.Path,
            Headers = turnHeaders,
            Body = bytes,
            Json = document.RootElement.Clone(),
            WireBodyLength = frame.Body.Length,
            Number = frame.Number,
        };
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

    private static Task SendAsync(WebSocket socket, string data, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(data), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>The backend's answer to a frame whose <c>previous_response_id</c> this socket never produced.</summary>
    private static string PreviousResponseNotFound(string id) => new JsonObject
    {
        ["type"] = "error",
        ["status"] = 400,
        ["error"] = new JsonObject
        {
            ["type"] = "invalid_request_error",
            ["code"] = "previous_response_not_found",
            ["message"] = $"Previous response with id '{id}' not found.",
            ["param"] = "previous_response_id",
        },
    }.ToJsonString();

    /// <summary>An HTTP error in WebSocket form: an <c>error</c> event with the status and the error object.</summary>
    private static string WrappedError(ErrorScenario error)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(error.Body);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        var inner = parsed?["error"]?.DeepClone()
            ?? (parsed?["detail"] is { } detail ? new JsonObject { ["type"] = "invalid_request_error", ["message"] = detail.ToString() } : null)
            ?? new JsonObject { ["message"] = error.Body };
        return new JsonObject { ["type"] = "error", ["status"] = error.Status, ["error"] = inner }.ToJsonString();
    }

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
            WireBodyLength = body.Length,
        };
    }
}
