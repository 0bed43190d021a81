using System.Text;
using System.Text.Json;
using CodexProxy.Codex.Wire;
using CodexProxy.OpenAI;

namespace CodexProxy.Translation.ChatCompletions;

/// <summary>Chat messages → Codex instructions and input items, in order: nothing is dropped or reordered.</summary>
internal static class ChatMessageMapper
{
    public static (string? Instructions, IReadOnlyList<CodexInputItem> Input) ToInput(IReadOnlyList<ChatMessage?> messages)
    {
        var instructions = new List<string>();
        var input = new List<CodexInputItem>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var path = $"messages[{i}]";
            var message = messages[i] ?? throw new OpenAIRequestException($"{path}: must be an object, not null.", path, "invalid_type");
            switch (message.Role)
            {
                // Only the leading ones are the instructions; a system message later on keeps its place.
                case "system" or "developer" when input.Count == 0:
                    instructions.Add(Text(message.Content, path));
                    break;
                case "system" or "developer":
                    input.Add(new CodexMessageItem("developer", [new CodexInputText(Text(message.Content, path))]));
                    break;
                case "user":
                    input.Add(new CodexMessageItem("user", UserParts(message.Content, path)));
                    break;
                case "assistant":
                    AddAssistant(message, path, input);
                    break;
                case "tool":
                    if (string.IsNullOrEmpty(message.ToolCallId))
                    {
                        throw new OpenAIRequestException($"Missing required parameter: '{path}.tool_call_id'.", $"{path}.tool_call_id", "missing_required_parameter");
                    }

                    input.Add(new CodexFunctionCallOutputItem(message.ToolCallId, new CodexFunctionOutput { Text = Text(message.Content, path) }));
                    break;
                default:
                    throw new OpenAIRequestException(
                        $"Invalid value: '{message.Role}'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.",
                        $"{path}.role", "invalid_value");
            }
        }

        var joined = string.Join("\n\n", instructions.Where(t => t.Length > 0));
        return (joined.Length > 0 ? joined : null, input);
    }

    private static void AddAssistant(ChatMessage message, string path, List<CodexInputItem> input)
    {
        var text = message.Content.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : Text(message.Content, path);
        if (!string.IsNullOrEmpty(text))
        {
            input.Add(new CodexMessageItem("assistant", [new CodexOutputText(text)]));
        }

        for (var j = 0; j < (message.ToolCalls?.Count ?? 0); j++)
        {
            var callPath = $"{path}.tool_calls[{j}]";
            var call = message.ToolCalls![j];
            if (call?.Id is not { Length: > 0 } id || call.Function?.Name is not { Length: > 0 } name)
            {
                throw new OpenAIRequestException($"{callPath}: needs an 'id' and a 'function' with a 'name'.", callPath, "invalid_value");
            }

            input.Add(new CodexFunctionCallItem(name, call.Function.Arguments is { Length: > 0 } arguments ? arguments : "{}", id));
        }
    }

    /// <summary>A string, or text parts joined (system, developer, assistant and tool messages carry only text).</summary>
    private static string Text(JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAIRequestException($"{path}.content: must be a string or an array of content parts.", $"{path}.content", "invalid_type");
        }

        var text = new StringBuilder();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{index++}]";
            var type = TypeOf(part, partPath);
            if (type is not ("text" or "refusal") || !part.TryGetProperty(type, out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw new OpenAIRequestException($"{partPath}: only text parts are allowed in this message, not '{type}'.", $"{partPath}.type", "invalid_value");
            }

            text.Append(value.GetString());
        }

        return text.ToString();
    }

    private static List<CodexContentPart> UserParts(JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new CodexInputText(content.GetString()!)];
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAIRequestException($"{path}.content: must be a string or an array of content parts.", $"{path}.content", "invalid_type");
        }

        var parts = new List<CodexContentPart>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{index++}]";
            parts.Add(TypeOf(part, partPath) switch
            {
                "text" when part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String => new CodexInputText(text.GetString()!),
                "image_url" => Image(part, partPath),
                "file" => File(part, partPath),
                var type => throw new OpenAIRequestException(
                    $"{partPath}: unsupported content part '{type}' (text, image_url and file are supported).", $"{partPath}.type", "invalid_value"),
            });
        }

        return parts;
    }

    /// <summary><c>data:</c> and http(s) URLs go upstream as they are; the backend fetches or decodes them.</summary>
    private static CodexInputImage Image(JsonElement part, string path)
    {
        var imageUrl = part.TryGetProperty("image_url", out var value) ? value : default;
        var url = imageUrl.ValueKind switch
        {
            JsonValueKind.Object when imageUrl.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            JsonValueKind.String => imageUrl.GetString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(url)
            || !(url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            throw new OpenAIRequestException($"{path}.image_url.url: must be a data: URL or an http(s) URL.", $"{path}.image_url.url", "invalid_value");
        }

        var detail = imageUrl.ValueKind == JsonValueKind.Object && imageUrl.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()
            : null;
        return new CodexInputImage(url, detail);
    }

    private static CodexInputFile File(JsonElement part, string path)
    {
        if (part.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.Object
            && file.TryGetProperty("file_data", out var data) && data.ValueKind == JsonValueKind.String)
        {
            var name = file.TryGetProperty("filename", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "document.pdf";
            return new CodexInputFile(name, data.GetString()!);
        }

        throw new OpenAIRequestException(
            $"{path}.file: only inline files (file_data) are supported; uploaded file ids need the Files API, which this proxy does not serve.",
            $"{path}.file", "invalid_value");
    }

    private static string? TypeOf(JsonElement part, string path) =>
        part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : throw new OpenAIRequestException($"{path}: must be an object with a 'type'.", path, "invalid_type");
}
