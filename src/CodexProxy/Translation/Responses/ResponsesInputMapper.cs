using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Codex.Wire;
using CodexProxy.OpenAI;

namespace CodexProxy.Translation.Responses;

/// <summary>
/// The Responses <c>input</c> → Codex input items. Items pass through as they came, with three changes the backend
/// needs: item <c>id</c>s are dropped (with <c>store: false</c> nothing they name exists upstream), a message whose
/// content is a plain string gets content parts, and <c>system</c> becomes <c>developer</c>. Reasoning items become
/// typed items so that the recovery from unverifiable reasoning (dropping it and retrying once) covers them too.
/// </summary>
internal static class ResponsesInputMapper
{
    public static IReadOnlyList<CodexInputItem> ToInput(JsonNode? input)
    {
        switch (input)
        {
            case null:
                throw new OpenAIRequestException("Missing required parameter: 'input'.", "input", "missing_required_parameter");
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return [new CodexMessageItem("user", [new CodexInputText(value.GetValue<string>())])];
            case JsonArray array:
                var items = new List<CodexInputItem>(array.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    items.Add(ToItem(array[i] as JsonObject ?? throw Invalid(i, "expected an object"), i));
                }

                return items;
            default:
                throw new OpenAIRequestException("Invalid type for 'input': expected a string or an array of items.", "input", "invalid_type");
        }
    }

    private static CodexInputItem ToItem(JsonObject item, int index)
    {
        var type = item["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        if (type is null && item["role"] is not null)
        {
            type = "message";
        }

        switch (type)
        {
            case null:
                throw Invalid(index, "expected an item with a 'type' (or a message with a 'role')");
            case "item_reference":
                throw new OpenAIRequestException(
                    "Item references need stored responses, which the ChatGPT Codex backend does not keep. Send the item itself instead.",
                    $"input[{index}]", "unsupported_value");
            case "reasoning" when Reasoning(item) is { } reasoning:
                return reasoning;
        }

        var fields = ResponsesRequestMapper.Fields(item);
        fields.Remove("id");
        fields["type"] = ResponsesRequestMapper.Element(JsonValue.Create(type));
        if (type == "message")
        {
            var role = item["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null;
            if (role is not ("user" or "assistant" or "system" or "developer"))
            {
                throw new OpenAIRequestException(
                    $"Invalid value: '{role}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.", $"input[{index}].role", "invalid_value");
            }

            fields["role"] = ResponsesRequestMapper.Element(JsonValue.Create(role == "system" ? "developer" : role));
            if (item["content"] is JsonValue content && content.GetValueKind() == JsonValueKind.String)
            {
                var part = new JsonObject { ["type"] = role == "assistant" ? "output_text" : "input_text", ["text"] = content.GetValue<string>() };
                fields["content"] = ResponsesRequestMapper.Element(new JsonArray(part));
            }
        }

        return new CodexPassthroughItem { Fields = fields };
    }

    /// <summary>Null (passed through instead) for a reasoning item without encrypted content.</summary>
    private static CodexReasoningItem? Reasoning(JsonObject item)
    {
        if (item["encrypted_content"] is not JsonValue encrypted || encrypted.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        var summary = new List<CodexSummaryText>();
        foreach (var part in item["summary"] as JsonArray ?? [])
        {
            if (part?["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String)
            {
                summary.Add(new CodexSummaryText(text.GetValue<string>()));
            }
        }

        return new CodexReasoningItem { Summary = summary, EncryptedContent = encrypted.GetValue<string>() };
    }

    private static OpenAIRequestException Invalid(int index, string why) =>
        new($"Invalid value for 'input[{index}]': {why}.", $"input[{index}]", "invalid_value");
}
