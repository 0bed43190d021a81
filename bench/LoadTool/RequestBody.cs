using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LoadTool;

/// <summary>A streamed Messages request shaped like Claude Code's: system blocks, a tool list, a short history.</summary>
internal static class RequestBody
{
    private const string Filler =
        "You are an interactive CLI tool that helps users with software engineering tasks. Use the tools available to you. ";

    public static byte[] Create(int targetKilobytes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Spelled as Claude Code's JSON.stringify spells it: an apostrophe or a '<' as it is, not as \u0027 or \u003C.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("model", "claude-sonnet-4-5");
            json.WriteNumber("max_tokens", 32000);
            json.WriteBoolean("stream", true);
            json.WriteStartArray("system");
            json.WriteStartObject();
            json.WriteString("type", "text");
            json.WriteString("text", "You are Claude Code, Anthropic's official CLI for Claude.");
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("type", "text");
            // Sized so the whole body lands near the target; tools and messages add about 2.5 KB.
            json.WriteString("text", string.Concat(Enumerable.Repeat(Filler, Math.Max(1, ((targetKilobytes * 1024) - 2600) / Filler.Length))));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("tools");
            foreach (var name in new[] { "Bash", "Read", "Edit", "Grep", "Glob" })
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("description", $"{name}: performs the {name} operation on the user's workspace and returns its output.");
                json.WriteStartObject("input_schema");
                json.WriteString("type", "object");
                json.WriteStartObject("properties");
                foreach (var property in new[] { "command", "path", "pattern", "timeout" })
                {
                    json.WriteStartObject(property);
                    json.WriteString("type", property == "timeout" ? "number" : "string");
                    json.WriteString("description", $"The {property} to use for {name}.");
                    json.WriteEndObject();
                }

                json.WriteEndObject();
                json.WriteStartArray("required");
                json.WriteStringValue("path");
                json.WriteEndArray();
                json.WriteBoolean("additionalProperties", false);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("role", "user");
            json.WriteStartArray("content");
            json.WriteStartObject();
            json.WriteString("type", "text");
            json.WriteString("text", "Summarise what this repository does in two sentences.");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
