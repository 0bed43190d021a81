using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary>The WebSocket side's answers and records (see <c>FakeCodexUpstream.WebSocket.cs</c>): playing a scenario
/// as frames, the replay form of output items, the reconstructed request a frame stands for, the backend's error frames.</summary>
internal sealed partial class FakeCodexUpstream
{
    /// <summary>An output item as a stateless client replays it (the Codex CLI's captures): no <c>id</c>, a
    /// <c>status</c> only on function calls, content and summary parts reduced to their type and text, reasoning with
    /// <c>content: null</c>.</summary>
    public static JsonNode ReplayForm(JsonNode outputItem)
    {
        var item = outputItem.DeepClone().AsObject();
        item.Remove("id");
        if (item["type"]?.GetValue<string>() != "function_call")
        {
            item.Remove("status");
        }

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

    /// <summary>Plays an SSE scenario as one text message per event (cuts, clean ends, stalls and delays as over
    /// HTTP), keeps response ids unique on the socket, and remembers a completed response's input and output.</summary>
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
            ReceivedAt = frame.ReceivedAt,
        };
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
        var receivedAt = Stopwatch.GetTimestamp();
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
            ReceivedAt = receivedAt,
        };
    }
}
