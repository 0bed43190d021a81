using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>
/// A Claude Code-shaped tool loop driven through the real proxy: every request carries the whole history (system
/// prompt with the billing header, tools, thinking), each answer is appended as Claude Code appends it (thinking with
/// its signature, text, tool_use), followed by a tool result of <see cref="ResultBytes"/> with a system reminder.
/// <see cref="Answer"/> is the fake's side: a reasoning item, text and a Bash call until <see cref="ToolTurns"/> tool
/// results are in, then a final text.
/// </summary>
internal sealed class ToolLoopConversation(string sessionId, string model = "gpt-5.5", int toolTurns = 4, int resultBytes = 2000)
{
    private readonly JsonArray _messages = [new JsonObject { ["role"] = "user", ["content"] = "Count the lines of every file." }];

    public string Model { get; set; } = model;

    public int ToolTurns => toolTurns;

    public int ResultBytes => resultBytes;

    /// <summary>The Anthropic request bodies sent so far, in order.</summary>
    public List<string> Sent { get; } = [];

    /// <summary>Pads the system prompt to about this many bytes (Claude Code's is ~14 KB).</summary>
    public int SystemPromptBytes { get; init; }

    /// <summary>Tools offered besides Bash and Read (Claude Code offers ~14, each with a long description).</summary>
    public int ExtraTools { get; init; }

    /// <summary>The size of the tool result appended after the given assistant turn; <see cref="ResultBytes"/> by default.</summary>
    public Func<int, int>? ResultBytesOfTurn { get; init; }

    public JsonArray Messages => _messages;

    /// <summary>The fake's answer: one more tool call while fewer than <see cref="ToolTurns"/> results are in.</summary>
    public SseScenario Answer(RecordedRequest request)
    {
        var step = request.ItemsOfType("function_call_output").Count();
        return step < toolTurns ? ToolCallTurn(step) : FinalTurn(step);
    }

    public string Body(bool stream = false) => new JsonObject
    {
        ["model"] = Model,
        ["max_tokens"] = 32000,
        ["stream"] = stream,
        ["system"] = new JsonArray(
            new JsonObject { ["type"] = "text", ["text"] = "x-anthropic-billing-header: cc_version=2.1.197.123; cc_entrypoint=sdk-cli;" },
            new JsonObject { ["type"] = "text", ["text"] = SystemPrompt(), ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } }),
        ["tools"] = new JsonArray([
            Tool("Bash", "Run a shell command", "command"),
            Tool("Read", "Read a file", "file_path"),
            .. Enumerable.Range(0, ExtraTools).Select(i => Tool($"Tool{i}", Filler(1500, seed: 100 + i), "argument"))]),
        ["thinking"] = new JsonObject { ["type"] = "adaptive" },
        ["messages"] = _messages.DeepClone(),
        ["metadata"] = new JsonObject { ["user_id"] = $$"""{"device_id":"d","account_uuid":"","session_id":"{{sessionId}}"}""" },
    }.ToJsonString();

    /// <summary>Sends the current history; appends the answer and, for a tool call, the tool result. Returns the answer.</summary>
    public async Task<JsonObject> TurnAsync(ProxyFixture proxy, CancellationToken cancellationToken)
    {
        var body = Body();
        Sent.Add(body);
        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(body), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        var answer = JsonNode.Parse(text)!.AsObject();
        Append(answer["content"]!.AsArray());
        return answer;
    }

    /// <summary>Appends an answer's content blocks as Claude Code does and, after a tool call, the tool's result.</summary>
    public void Append(JsonArray content)
    {
        _messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = content.DeepClone() });
        if (content.LastOrDefault(block => block!["type"]!.GetValue<string>() == "tool_use") is { } call)
        {
            _messages.Add(ToolResult(call["id"]!.GetValue<string>(), _messages.Count));
        }
    }

    /// <summary>Sends <paramref name="bodies"/> (bodies another run sent) unchanged; returns the answers' text.</summary>
    public static async Task<List<string>> ReplayAsync(
        ProxyFixture proxy, IEnumerable<string> bodies, CancellationToken cancellationToken, string path = "/v1/messages")
    {
        var answers = new List<string>();
        foreach (var body in bodies)
        {
            using var response = await proxy.Client.PostAsync(path, AnthropicRequests.Json(body), cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.IsSuccessStatusCode, text);
            answers.Add(text);
        }

        return answers;
    }

    public static SseScenario ToolCallTurn(int step)
    {
        var n = step.ToString(CultureInfo.InvariantCulture);
        var arguments = JsonSerializer.Serialize($$"""{"command":"wc -l file{{n}}.txt"}""");
        return Events(
            $$$"""{"type":"response.created","response":{"id":"resp_loop_{{{n}}}","status":"in_progress"}}""",
            $$$"""{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_{{{n}}}","type":"reasoning","summary":[]}}""",
            $$$"""{"type":"response.reasoning_summary_part.added","item_id":"rs_{{{n}}}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}""",
            $$$"""{"type":"response.reasoning_summary_text.delta","item_id":"rs_{{{n}}}","output_index":0,"summary_index":0,"delta":"Counting file {{{n}}}."}""",
            $$$"""{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_{{{n}}}","type":"reasoning","summary":[{"type":"summary_text","text":"Counting file {{{n}}}."}],"encrypted_content":"gAAAAB_enc_{{{n}}}=="}}""",
            $$$"""{"type":"response.output_item.added","output_index":1,"item":{"id":"msg_{{{n}}}","type":"message","status":"in_progress","role":"assistant","content":[]}}""",
            $$$"""{"type":"response.output_text.delta","item_id":"msg_{{{n}}}","output_index":1,"content_index":0,"delta":"Checking file {{{n}}}."}""",
            $$$"""{"type":"response.output_item.done","output_index":1,"item":{"id":"msg_{{{n}}}","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"Checking file {{{n}}}."}]}}""",
            $$$"""{"type":"response.output_item.added","output_index":2,"item":{"id":"fc_{{{n}}}","type":"function_call","status":"in_progress","name":"Bash","call_id":"call_{{{n}}}","arguments":""}}""",
            $$$"""{"type":"response.function_call_arguments.delta","item_id":"fc_{{{n}}}","output_index":2,"delta":{{{arguments}}}}""",
            $$$"""{"type":"response.output_item.done","output_index":2,"item":{"id":"fc_{{{n}}}","type":"function_call","status":"completed","name":"Bash","call_id":"call_{{{n}}}","arguments":{{{arguments}}}}}""",
            $$$$"""{"type":"response.completed","response":{"id":"resp_loop_{{{{n}}}}","status":"completed","usage":{"input_tokens":2100,"output_tokens":40,"total_tokens":2140}}}""");
    }

    public static SseScenario FinalTurn(int step) => Events(
        $$$"""{"type":"response.created","response":{"id":"resp_final_{{{step}}}","status":"in_progress"}}""",
        """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_final","type":"message","status":"in_progress","role":"assistant","content":[]}}""",
        """{"type":"response.output_text.delta","item_id":"msg_final","output_index":0,"content_index":0,"delta":"All files counted."}""",
        """{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_final","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"All files counted."}]}}""",
        $$$$"""{"type":"response.completed","response":{"id":"resp_final_{{{{step}}}}","status":"completed","usage":{"input_tokens":2400,"output_tokens":9,"total_tokens":2409}}}""");

    public static SseScenario Events(params string[] data) => new(string.Join("\n\n", data.Select(line => "data: " + line)) + "\n\n");

    private static readonly string[] Vocabulary =
    [
        "the", "request", "mapper", "returns", "null", "when", "input", "stream", "token", "cache", "socket", "frame",
        "history", "item", "reasoning", "tool", "call", "output", "schema", "string", "array", "object", "await", "async",
        "var", "new", "if", "else", "return", "public", "internal", "sealed", "record", "class", "static", "readonly",
        "ünïcode", "café", "naïve", "résumé", "=>", "{", "}", "(", ")", ";", "//", "0", "1", "42", "1024", "true", "false",
    ];

    private string SystemPrompt() =>
        "You are Claude Code, driving a tool loop in a test." + Filler(SystemPromptBytes, seed: 1);

    /// <summary>Seeded words, as little compressible as real prose and code.</summary>
    private static string Filler(int bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < bytes)
        {
            text.Append(' ').Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(random.Next(100) < 8 ? "\n" : "");
        }

        return text.ToString();
    }

    private JsonObject ToolResult(string toolUseId, int seed)
    {
        var output = new StringBuilder();
        var size = ResultBytesOfTurn?.Invoke(seed) ?? resultBytes;
        var random = new Random(seed);
        for (var line = 1; output.Length < size; line++)
        {
            output.Append(CultureInfo.InvariantCulture, $"{line,6}\t");
            for (var word = random.Next(3, 14); word > 0; word--)
            {
                output.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(' ');
            }

            output.Append('\n');
        }

        return new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = toolUseId, ["content"] = output.ToString() },
                new JsonObject { ["type"] = "text", ["text"] = "<system-reminder>\nThe task list is empty.\n</system-reminder>" }),
        };
    }

    private static JsonObject Tool(string name, string description, string parameter) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["input_schema"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { [parameter] = new JsonObject { ["type"] = "string" } },
            ["required"] = new JsonArray(parameter),
        },
    };
}
