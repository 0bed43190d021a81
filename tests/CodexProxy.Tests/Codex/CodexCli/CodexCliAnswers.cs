using System.Text;
using System.Text.Json.Nodes;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>The fake's scripted Responses streams for the Codex CLI scenarios (shapes as in
/// <c>Transcripts/*.sse</c>): a text answer, a function call, and reasoning followed by a function call.</summary>
internal static class CodexCliAnswers
{
    public const string EncryptedReasoning = "gAAAAABcodex-cli-capture-encrypted-reasoning==";

    public static SseScenario Text(string responseId, string text)
    {
        var message = new JsonObject
        {
            ["id"] = $"msg_{responseId}",
            ["type"] = "message",
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["annotations"] = new JsonArray(), ["text"] = text }),
        };
        var stream = new Stream(responseId);
        stream.Add("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = Pending(message) });
        stream.Add("response.output_text.delta", new JsonObject
        {
            ["item_id"] = $"msg_{responseId}",
            ["output_index"] = 0,
            ["content_index"] = 0,
            ["delta"] = text,
        });
        stream.Add("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = message });
        return stream.Complete(message);
    }

    /// <summary>A call of the CLI's shell tool (<c>exec_command</c>, arguments <c>{"cmd": …}</c>), optionally after a
    /// reasoning item with <see cref="EncryptedReasoning"/>.</summary>
    public static SseScenario ExecCommand(string responseId, string callId, string command, bool withReasoning = false)
    {
        var stream = new Stream(responseId);
        var output = new List<JsonObject>();
        if (withReasoning)
        {
            var reasoning = new JsonObject
            {
                ["id"] = $"rs_{responseId}",
                ["type"] = "reasoning",
                ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = "**Running the marker command**" }),
                ["encrypted_content"] = EncryptedReasoning,
            };
            stream.Add("response.output_item.added", new JsonObject
            {
                ["output_index"] = 0,
                ["item"] = new JsonObject
                {
                    ["id"] = $"rs_{responseId}",
                    ["type"] = "reasoning",
                    ["summary"] = new JsonArray(),
                    ["encrypted_content"] = EncryptedReasoning,
                },
            });
            stream.Add("response.reasoning_summary_part.added", new JsonObject
            {
                ["item_id"] = $"rs_{responseId}",
                ["output_index"] = 0,
                ["summary_index"] = 0,
                ["part"] = new JsonObject { ["type"] = "summary_text", ["text"] = string.Empty },
            });
            stream.Add("response.reasoning_summary_text.delta", new JsonObject
            {
                ["item_id"] = $"rs_{responseId}",
                ["output_index"] = 0,
                ["summary_index"] = 0,
                ["delta"] = "**Running the marker command**",
            });
            stream.Add("response.reasoning_summary_text.done", new JsonObject
            {
                ["item_id"] = $"rs_{responseId}",
                ["output_index"] = 0,
                ["summary_index"] = 0,
                ["text"] = "**Running the marker command**",
            });
            stream.Add("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = reasoning });
            output.Add(reasoning);
        }

        var index = output.Count;
        var arguments = new JsonObject { ["cmd"] = command }.ToJsonString();
        var call = new JsonObject
        {
            ["id"] = $"fc_{responseId}",
            ["type"] = "function_call",
            ["status"] = "completed",
            ["name"] = "exec_command",
            ["call_id"] = callId,
            ["arguments"] = arguments,
        };
        stream.Add("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = Pending(call, arguments: string.Empty) });
        stream.Add("response.function_call_arguments.delta", new JsonObject
        {
            ["item_id"] = $"fc_{responseId}",
            ["output_index"] = index,
            ["delta"] = arguments,
        });
        stream.Add("response.function_call_arguments.done", new JsonObject
        {
            ["item_id"] = $"fc_{responseId}",
            ["output_index"] = index,
            ["arguments"] = arguments,
        });
        stream.Add("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = call });
        output.Add(call);
        return stream.Complete([.. output]);
    }

    private static JsonObject Pending(JsonObject item, string? arguments = null)
    {
        var copy = item.DeepClone().AsObject();
        copy["status"] = "in_progress";
        if (copy["content"] is JsonArray)
        {
            copy["content"] = new JsonArray();
        }

        if (arguments is not null)
        {
            copy["arguments"] = arguments;
        }

        return copy;
    }

    private sealed class Stream
    {
        private readonly StringBuilder _sse = new();
        private readonly string _responseId;
        private int _sequence;

        public Stream(string responseId)
        {
            _responseId = responseId;
            Add("response.created", new JsonObject { ["response"] = Response("in_progress", []) });
            Add("response.in_progress", new JsonObject { ["response"] = Response("in_progress", []) });
        }

        public void Add(string type, JsonObject data)
        {
            var payload = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
            foreach (var (name, value) in data.ToArray())
            {
                data.Remove(name);
                payload[name] = value;
            }

            _sse.Append("event: ").Append(type).Append('\n').Append("data: ").Append(payload.ToJsonString()).Append("\n\n");
        }

        public SseScenario Complete(params JsonObject[] output)
        {
            var response = Response("completed", output);
            response["usage"] = new JsonObject
            {
                ["input_tokens"] = 1200,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                ["output_tokens"] = 20,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = 1220,
            };
            Add("response.completed", new JsonObject { ["response"] = response });
            return new SseScenario(_sse.ToString());
        }

        private JsonObject Response(string status, JsonObject[] output) => new()
        {
            ["id"] = _responseId,
            ["object"] = "response",
            ["created_at"] = 1767225600,
            ["status"] = status,
            ["model"] = "gpt-5.5",
            ["output"] = new JsonArray([.. output.Select(item => (JsonNode)item.DeepClone())]),
        };
    }
}
