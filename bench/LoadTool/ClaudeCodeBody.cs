using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LoadTool;

/// <summary>
/// A Claude Code-shaped Messages request at a real size: the system prompt and tool list Claude Code sends, then a
/// history that grows turn by turn (assistant text + a <c>Read</c>/<c>Bash</c> call, the user's tool result with
/// line-numbered file text and a <c>&lt;system-reminder&gt;</c>), until the body reaches the target. With images, every
/// eighth tool result is a screenshot (a base64 PNG-sized blob), as when Claude Code reads an image file.
/// A fixed seed: every run sends the same bytes.
/// </summary>
internal static class ClaudeCodeBody
{
    private static readonly string[] Vocabulary =
    [
        "the", "test", "file", "src", "class", "method", "returns", "null", "when", "request", "mapper", "token", "cache",
        "public", "static", "void", "await", "async", "var", "string", "int", "if", "else", "return", "new", "List<int>",
        "error", "CS0246", "build", "passed", "failed", "assert", "expected", "actual", "line", "42", "{", "}", "(", ")",
        "session", "prefix", "stream", "event", "delta", "usage", "input", "output", "json", "bytes", "=>", ";", "//",
        "\"quoted\"", "it's", "<T>", "\\n", "naïve", "→",
    ];

    private static readonly string[] ToolNames =
        ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "Task", "TodoWrite", "WebFetch", "WebSearch", "NotebookEdit", "BashOutput", "KillShell", "ExitPlanMode"];

    public static byte[] Create(int targetKilobytes, bool images)
    {
        var random = new Random(20261206);
        var target = targetKilobytes * 1024L;
        var buffer = new ArrayBufferWriter<byte>(checked((int)target + 64 * 1024));
        // Escaped as Claude Code's JSON.stringify escapes: quotes, backslashes and control characters only (the default
        // encoder's \u003C for '<' and \u00EF for 'ï' are not what a real client sends, and the proxy keeps the
        // client's bytes). The one difference left: JSON.stringify spells other control characters \u001b, this \u001B.
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("model", "claude-opus-4-8");
        json.WriteNumber("max_tokens", 64000);
        json.WriteBoolean("stream", true);
        json.WriteStartArray("system");
        WriteText(json, "x-anthropic-billing-header: cc_version=2.1.197.a1b; cc_entrypoint=cli;");
        WriteText(json, "You are Claude Code, Anthropic's official CLI for Claude.\n" + Words(random, 2200), cached: true);
        json.WriteEndArray();
        json.WriteStartArray("tools");
        foreach (var name in ToolNames)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("description", Words(random, random.Next(60, 400)));
            json.WriteStartObject("input_schema");
            json.WriteString("$schema", "https://json-schema.org/draft/2020-12/schema");
            json.WriteString("type", "object");
            json.WriteStartObject("properties");
            foreach (var property in new[] { "command", "file_path", "timeout" })
            {
                json.WriteStartObject(property);
                json.WriteString("type", property == "timeout" ? "number" : "string");
                json.WriteString("description", $"The {property} to use.");
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartArray("required");
            json.WriteStringValue("command");
            json.WriteEndArray();
            json.WriteBoolean("additionalProperties", false);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("metadata");
        json.WriteString("user_id", """{"device_id":"d0","account_uuid":"","session_id":"6f1c2a9e-bench"}""");
        json.WriteEndObject();
        json.WriteStartArray("messages");
        json.WriteStartObject();
        json.WriteString("role", "user");
        json.WriteStartArray("content");
        WriteText(json, "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n# claudeMd\n"
            + Words(random, 900) + "\n</system-reminder>");
        WriteText(json, "Find why the request mapper drops the cache key and fix it; run the tests.");
        json.WriteEndArray();
        json.WriteEndObject();
        for (var turn = 1; ; turn++)
        {
            json.Flush();
            if (buffer.WrittenCount >= target - 2048)
            {
                break;
            }

            var id = $"toolu_01{turn:x6}";
            var image = images && turn % 8 == 0;
            json.WriteStartObject();
            json.WriteString("role", "assistant");
            json.WriteStartArray("content");
            WriteText(json, Words(random, random.Next(10, 60)));
            json.WriteStartObject();
            json.WriteString("type", "tool_use");
            json.WriteString("id", id);
            json.WriteString("name", turn % 3 == 0 ? "Bash" : "Read");
            json.WriteStartObject("input");
            json.WriteString(turn % 3 == 0 ? "command" : "file_path", turn % 3 == 0 ? "dotnet test --filter Mapper" : $"/repo/src/File{turn}.{(image ? "png" : "cs")}");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteStartArray("content");
            json.WriteStartObject();
            json.WriteString("type", "tool_result");
            json.WriteString("tool_use_id", id);
            json.WriteStartArray("content");
            if (image)
            {
                var png = new byte[random.Next(60_000, 180_000)];
                random.NextBytes(png);
                json.WriteStartObject();
                json.WriteString("type", "image");
                json.WriteStartObject("source");
                json.WriteString("type", "base64");
                json.WriteString("media_type", "image/png");
                json.WriteBase64String("data", png);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            else
            {
                WriteText(json, FileListing(random, random.Next(40, 400)));
            }

            json.WriteEndArray();
            json.WriteEndObject();
            WriteText(json, "<system-reminder>\nWhenever you read a file, you should consider whether it looks malicious.\n</system-reminder>");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("thinking");
        json.WriteString("type", "adaptive");
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>What Claude Code's Read returns: numbered lines with a tab.</summary>
    private static string FileListing(Random random, int lines)
    {
        var text = new StringBuilder();
        for (var line = 1; line <= lines; line++)
        {
            text.Append(' ', 5 - (int)Math.Log10(line)).Append(line).Append('\t').Append(' ', random.Next(0, 4) * 4)
                .Append(Words(random, random.Next(2, 14))).Append('\n');
        }

        return text.ToString();
    }

    private static string Words(Random random, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(i % 12 == 11 ? '\n' : ' ');
        }

        return text.ToString().TrimEnd();
    }

    private static void WriteText(Utf8JsonWriter json, string text, bool cached = false)
    {
        json.WriteStartObject();
        json.WriteString("type", "text");
        json.WriteString("text", text);
        if (cached)
        {
            json.WriteStartObject("cache_control");
            json.WriteString("type", "ephemeral");
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
