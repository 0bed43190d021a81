using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodexProxy.Tests.Hosting;

/// <summary>A Claude Code body in its key order (model, messages, system, tools, …) that grows by a tool round
/// trip per turn, with tool results of a few KB, system reminders, thinking and an image, and the cache_control
/// marker on the last message.</summary>
internal sealed class ClaudeCodeBody
{
    public ClaudeCodeBody(int turns)
    {
        Messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                Text("<system-reminder>\nToday's date is 2026-12-06.\n</system-reminder>"),
                Text("Count the lines of every file. Ünïcödé \"quoted\" \\ and \u2028.")),
        });
        Messages.Add(new JsonObject { ["role"] = "system", ["content"] = new string('a', 6000) });
        for (var i = 0; i < turns; i++)
        {
            AddTurn();
        }
    }

    public string Model { get; set; } = "claude-opus-4-5";

    /// <summary>Written with line breaks and indentation (whitespace around every separator), as some SDKs do.</summary>
    public bool Indented { get; init; }

    public JsonArray Messages { get; } = [];

    public void AddTurn()
    {
        var turn = Messages.Count;
        Messages.Add(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "thinking", ["thinking"] = $"Plan {turn}", ["signature"] = $"sig{turn}" },
                Text($"Reading file {turn}."),
                new JsonObject { ["type"] = "tool_use", ["id"] = $"toolu_{turn}", ["name"] = "Read", ["input"] = new JsonObject { ["file_path"] = $"/src/f{turn}.cs" } }),
        });
        JsonNode result = turn % 4 == 0
            ? new JsonArray(new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Convert.ToBase64String(new byte[3000]) } })
            : string.Concat(Enumerable.Range(0, 120).Select(line => $"{line,6}\tvar x{line} = \"line {line} of file {turn}\";\n"));
        Messages.Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = $"toolu_{turn}", ["content"] = result },
                Text("<system-reminder>The file was read.</system-reminder>")),
        });
    }

    public byte[] Utf8()
    {
        var messages = (JsonArray)Messages.DeepClone();
        var last = messages[^1]!["content"]!.AsArray();
        last[^1]!["cache_control"] = new JsonObject { ["type"] = "ephemeral" };
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["model"] = Model,
            ["messages"] = messages,
            ["system"] = new JsonArray(Text("You are Claude Code. " + new string('s', 30_000))),
            ["tools"] = new JsonArray([.. Enumerable.Range(0, 14).Select(i => Tool(i))]),
            ["metadata"] = new JsonObject { ["user_id"] = """{"device_id":"d","session_id":"s"}""" },
            ["max_tokens"] = 32000,
            ["thinking"] = new JsonObject { ["type"] = "adaptive" },
            ["stream"] = true,
        }.ToJsonString(Indented ? new JsonSerializerOptions { WriteIndented = true } : null));
    }

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject Tool(int i) => new()
    {
        ["name"] = $"Tool{i}",
        ["description"] = new string('d', 1500),
        ["input_schema"] = JsonNode.Parse("""{"type":"object","properties":{"argument":{"type":"string"}},"required":["argument"]}"""),
    };
}
