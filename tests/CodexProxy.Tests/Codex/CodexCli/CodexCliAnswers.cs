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

    /// <summary>Runs <paramref name="command"/> through the CLI's shell tool, optionally after a reasoning item with
    /// <see cref="EncryptedReasoning"/>. Classic models get a <c>function_call</c> of <c>exec_command</c> (arguments
    /// <c>{"cmd": …}</c>); Responses-lite models (<paramref name="codeMode"/>) are offered no <c>exec_command</c>, only the
    /// code-mode <c>exec</c> custom tool, so they get a <c>custom_tool_call</c> whose JavaScript calls
    /// <c>tools.exec_command</c>.</summary>
    public static SseScenario ExecCommand(string responseId, string callId, string command, bool codeMode, bool withReasoning = false)
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
        var call = codeMode ? CodeModeCall(stream, responseId, callId, command, index) : FunctionCall(stream, responseId, callId, command, index);
        output.Add(call);
        return stream.Complete([.. output]);
    }

    private static JsonObject FunctionCall(Stream stream, string responseId, string callId, string command, int index)
    {
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
        stream.Add("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = Pending(call, "arguments") });
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
        return call;
    }

    private static JsonObject CodeModeCall(Stream stream, string responseId, string callId, string command, int index)
    {
        var source = $"const result = await tools.exec_command({new JsonObject { ["cmd"] = command }.ToJsonString()});\ntext(result);\n";
        var call = new JsonObject
        {
            ["id"] = $"ctc_{responseId}",
            ["type"] = "custom_tool_call",
            ["status"] = "completed",
            ["name"] = "exec",
            ["call_id"] = callId,
            ["input"] = source,
        };
        stream.Add("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = Pending(call, "input") });
        stream.Add("response.custom_tool_call_input.delta", new JsonObject
        {
            ["item_id"] = $"ctc_{responseId}",
            ["output_index"] = index,
            ["delta"] = source,
        });
        stream.Add("response.custom_tool_call_input.done", new JsonObject
        {
            ["item_id"] = $"ctc_{responseId}",
            ["output_index"] = index,
            ["input"] = source,
        });
        stream.Add("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = call });
        return call;
    }

    private static JsonObject Pending(JsonObject item, string? emptiedField = null)
    {
        var copy = item.DeepClone().AsObject();
        copy["status"] = "in_progress";
        if (copy["content"] is JsonArray)
        {
            copy["content"] = new JsonArray();
        }

        if (emptiedField is not null)
        {
            copy[emptiedField] = string.Empty;
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
