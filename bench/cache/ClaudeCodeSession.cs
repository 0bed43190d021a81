using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodexProxy.CacheBench;

/// <summary>
/// Builds the Anthropic requests of a Claude Code tool loop the way Claude Code sends them: full history every turn,
/// the billing header and cache_control markers included. The assistant turns carry what the proxy returned
/// (a thinking block with a cxp1 signature, text, a tool call); tool results are sized like real ones.
/// Everything is generated from a fixed seed, so every run replays the same bytes.
/// </summary>
internal sealed class ClaudeCodeSession(string sessionId, string systemPrompt, string firstPrompt, JsonArray tools, int seed)
{
    /// <summary>Claude Code 2.1.328 keeps its tool list in name order, so a loaded tool lands in the middle.</summary>
    private readonly JsonArray _tools = tools;

    private readonly Random _random = new(seed);
    private readonly JsonArray _messages = [UserText(firstPrompt)];
    private int _turn;

    public string SessionId => sessionId;

    /// <summary>The request for the current state of the thread (it always ends on a user message).</summary>
    public string NextRequest()
    {
        var request = new JsonObject
        {
            ["model"] = "claude-opus-4-8",
            ["max_tokens"] = 64000,
            ["stream"] = true,
            ["system"] = new JsonArray(
                Text($"x-anthropic-billing-header: cc_version=2.1.197.{seed % 1000:x3}; cc_entrypoint=sdk-cli;"),
                Text(systemPrompt, cached: true)),
            ["tools"] = _tools.DeepClone(),
            ["messages"] = _messages.DeepClone(),
            ["metadata"] = new JsonObject { ["user_id"] = $$"""{"device_id":"d0","account_uuid":"","session_id":"{{sessionId}}"}""" },
            ["thinking"] = new JsonObject { ["type"] = "adaptive" },
        };
        return request.ToJsonString();
    }

    /// <summary>Appends the model's tool call and the tool's result, as the next turn's history.</summary>
    public string AdvanceWithToolCall(string toolName, string? result = null)
    {
        _turn++;
        var id = $"toolu_{seed:x2}{_turn:x4}";
        _messages.Add(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "thinking", ["thinking"] = Words(30), ["signature"] = $"cxp1.rs_{seed}{_turn}.{Base64(900)}" },
                Text(Words(25)),
                new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = toolName, ["input"] = new JsonObject { ["command"] = Words(6) } }),
        });
        _messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject
            {
                ["type"] = "tool_result",
                ["tool_use_id"] = id,
                ["content"] = result ?? Words(_random.Next(150, 700)),
                ["cache_control"] = new JsonObject { ["type"] = "ephemeral" },
            }),
        });
        // Claude Code moves its single cache_control marker to the newest message each turn.
        foreach (var message in _messages.Take(_messages.Count - 1))
        {
            foreach (var block in message!["content"] is JsonArray blocks ? blocks : [])
            {
                (block as JsonObject)?.Remove("cache_control");
            }
        }

        return id;
    }

    /// <summary>Claude Code 2.1.328's tool search: the model calls ToolSearch, the result is a tool_reference plus
    /// "Tool loaded.", and the deferred tool joins <c>tools</c> (with <c>defer_loading</c>) in name order.</summary>
    public void AdvanceWithToolSearch(JsonObject deferredTool)
    {
        _turn++;
        var name = deferredTool["name"]!.GetValue<string>();
        var id = $"toolu_{seed:x2}{_turn:x4}";
        _messages.Add(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "thinking", ["thinking"] = Words(20), ["signature"] = $"cxp1.rs_{seed}{_turn}.{Base64(600)}" },
                new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = "ToolSearch", ["input"] = new JsonObject { ["query"] = $"select:{name}", ["max_results"] = 5 } }),
        });
        _messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "tool_result",
                    ["tool_use_id"] = id,
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_reference", ["tool_name"] = name }),
                },
                Text("Tool loaded.", cached: true)),
        });
        foreach (var message in _messages.Take(_messages.Count - 1))
        {
            foreach (var block in message!["content"] is JsonArray blocks ? blocks : [])
            {
                (block as JsonObject)?.Remove("cache_control");
            }
        }

        var position = _tools.TakeWhile(t => string.CompareOrdinal(t!["name"]!.GetValue<string>(), name) < 0).Count();
        _tools.Insert(position, deferredTool.DeepClone());
    }

    /// <summary>Claude Code 2.1.328's tools: ToolSearch and the never-callable placeholder next to ordinary tools.</summary>
    public static JsonArray ToolSearchToolDefinitions(int count, int seed)
    {
        var definitions = ToolDefinitions(count, seed);
        definitions.Add(JsonNode.Parse("""
            {"name":"ToolSearch","description":"Fetches full schema definitions for deferred tools so they can be called.",
             "input_schema":{"type":"object","properties":{"query":{"type":"string"},"max_results":{"type":"number"}},"required":["query"]}}
            """));
        definitions.Add(JsonNode.Parse("""
            {"name":"DeferredToolPlaceholder","description":"Never call this tool.","input_schema":{"type":"object","properties":{}},"defer_loading":true}
            """));
        return definitions;
    }

    /// <summary>A deferred tool (CronList-sized) as Claude Code adds it once loaded.</summary>
    public static JsonObject DeferredTool(string name) => JsonNode.Parse($$"""
        {"name":"{{name}}","description":"List all cron jobs scheduled via CronCreate in this session.",
         "input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{},"additionalProperties":false},
         "defer_loading":true}
        """)!.AsObject();

    public string Words(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(Vocabulary[_random.Next(Vocabulary.Length)]).Append(i % 12 == 11 ? '\n' : ' ');
        }

        return text.ToString().TrimEnd();
    }

    private string Base64(int bytes)
    {
        var buffer = new byte[bytes];
        _random.NextBytes(buffer);
        return Convert.ToBase64String(buffer);
    }

    private static JsonObject UserText(string text) => new()
    {
        ["role"] = "user",
        ["content"] = new JsonArray(Text("<system-reminder>\nAs you answer, use the context below.\n</system-reminder>"), Text(text, cached: true)),
    };

    private static JsonObject Text(string text, bool cached = false)
    {
        var block = new JsonObject { ["type"] = "text", ["text"] = text };
        if (cached)
        {
            block["cache_control"] = new JsonObject { ["type"] = "ephemeral" };
        }

        return block;
    }

    private static readonly string[] Vocabulary =
    [
        "the", "test", "file", "src", "class", "method", "returns", "null", "when", "request", "mapper", "token", "cache",
        "public", "static", "void", "await", "async", "var", "string", "int", "if", "else", "return", "new", "List<int>",
        "error", "CS0246", "build", "passed", "failed", "assert", "expected", "actual", "line", "42", "{", "}", "(", ")",
        "session", "prefix", "stream", "event", "delta", "usage", "input", "output", "json", "bytes", "=>", ";", "//",
    ];

    private static readonly string[] ToolNames =
        ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "Task", "TodoWrite", "WebFetch", "WebSearch", "NotebookEdit", "BashOutput", "KillShell", "ExitPlanMode"];

    public static JsonArray ToolDefinitions(int count, int seed)
    {
        var random = new Random(seed);
        var definitions = new JsonArray();
        foreach (var name in ToolNames.Take(count))
        {
            var description = string.Join(' ', Enumerable.Range(0, random.Next(60, 400)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
            definitions.Add(JsonNode.Parse($$$"""
                {"name":"{{{name}}}","description":{{{JsonSerializer.Serialize(description, BenchJsonContext.Default.String)}}},
                 "input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                   "properties":{"command":{"type":"string","description":"What to run"},"timeout":{"type":"number"}},
                   "required":["command"],"additionalProperties":false}}
                """));
        }

        return definitions;
    }
}
