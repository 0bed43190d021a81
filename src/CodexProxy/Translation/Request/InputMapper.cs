using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Translation.Request;

/// <summary>
/// Anthropic <c>messages</c> → Codex <c>input</c> items. Runs of text/image/document blocks of one message become one
/// message item; tool_use, tool_result and thinking blocks become their own items, splitting the message around
/// them, so the Codex item order follows the Anthropic block order exactly.
/// </summary>
internal static class InputMapper
{
    /// <summary>Arguments are JSON inside a JSON string sent to a model, never HTML; escaping non-ASCII text
    /// (<c>\uXXXX</c>) would only cost the model tokens and readability.</summary>
    private static readonly JsonWriterOptions ArgumentsWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static List<CodexInputItem> ToInputItems(IReadOnlyList<InputMessage> messages, ToolNameMap names) =>
        ToInputItems(messages, names, out _);

    /// <param name="messageEnds">For each message, how many items the input has once that message is mapped.</param>
    public static List<CodexInputItem> ToInputItems(IReadOnlyList<InputMessage> messages, ToolNameMap names, out IReadOnlyList<int> messageEnds)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var items = new List<CodexInputItem>(messages.Count);
        var ends = new int[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            AppendMessage(messages[i], $"messages[{i}]", names, items);
            ends[i] = items.Count;
        }

        messageEnds = ends;
        return items;
    }

    /// <summary>Compact JSON text of a tool_use <c>input</c>; <c>{}</c> when it is missing.</summary>
    public static string ToArgumentsJson(JsonElement input)
    {
        if (input.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ArgumentsWriterOptions))
        {
            input.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void AppendMessage(InputMessage message, string path, ToolNameMap names, List<CodexInputItem> items)
    {
        var role = ToCodexRole(message.Role, path);
        var blocks = message.Content ?? throw new InvalidRequestException($"{path}.content: is required");
        var pending = new List<CodexContentPart>();

        void Flush()
        {
            if (pending.Count > 0)
            {
                items.Add(new CodexMessageItem(role, [.. pending]));
                pending.Clear();
            }
        }

        for (var j = 0; j < blocks.Count; j++)
        {
            var block = blocks[j];
            var blockPath = $"{path}.content[{j}]";
            switch (block.Type)
            {
                case "text":
                    if (!RawJsonString.IsNullOrEmpty(block.Text))
                    {
                        pending.Add(role == "assistant" ? new CodexOutputText(block.Text) : new CodexInputText(block.Text));
                    }

                    break;
                case "image":
                    RequireRole(role != "assistant", block, blockPath, "user or system");
                    pending.Add(ContentPartMapper.ToImage(block, blockPath));
                    break;
                case "document":
                    RequireRole(role != "assistant", block, blockPath, "user or system");
                    pending.AddRange(ContentPartMapper.ToDocumentParts(block, blockPath));
                    break;
                case "tool_use":
                    RequireRole(role == "assistant", block, blockPath, "assistant");
                    Flush();
                    items.Add(ToFunctionCall(block, blockPath, names));
                    break;
                case "tool_result":
                    RequireRole(role == "user", block, blockPath, "user");
                    Flush();
                    items.Add(ToolResultMapper.ToOutputItem(block, blockPath));
                    break;
                case "thinking":
                    RequireRole(role == "assistant", block, blockPath, "assistant");
                    if (ToReasoning(block) is { } reasoning)
                    {
                        Flush();
                        items.Add(reasoning);
                    }

                    break;
                case ToolSearch.ToolReferenceType:
                    // Outside a tool_result (not seen from Claude Code so far, accepted all the same): text in place.
                    RequireRole(role != "assistant", block, blockPath, "user or system");
                    pending.Add(new CodexInputText(ToolSearch.LoadedToolsText([ToolSearch.ReferencedName(block, blockPath)])));
                    break;
                case "redacted_thinking":
                    // Anthropic-encrypted reasoning: Codex cannot read it.
                    break;
                case "server_tool_use" or "web_search_tool_result":
                    // An earlier hosted web search. Codex can only replay searches from its own items (their action
                    // and ids), which these blocks do not carry; the assistant text after them keeps what was found.
                    break;
                case null:
                    throw new InvalidRequestException($"{blockPath}.type: is required");
                default:
                    throw new InvalidRequestException($"{blockPath}.type: unknown content block type '{block.Type}'");
            }
        }

        Flush();
    }

    /// <summary>A <c>system</c> entry inside <c>messages</c> (Claude Code's mid-conversation system text) becomes a
    /// <c>developer</c> message in place: the backend rejects the <c>system</c> role in input.</summary>
    private static string ToCodexRole(string? role, string path) => role switch
    {
        "user" => "user",
        "assistant" => "assistant",
        "system" => "developer",
        null => throw new InvalidRequestException($"{path}.role: is required"),
        _ => throw new InvalidRequestException($"{path}.role: unsupported role '{role}' (expected user, assistant or system)"),
    };

    private static void RequireRole(bool allowed, ContentBlock block, string path, string expected)
    {
        if (!allowed)
        {
            throw new InvalidRequestException($"{path}.type: '{block.Type}' blocks are only allowed in {expected} messages");
        }
    }

    private static CodexFunctionCallItem ToFunctionCall(ContentBlock block, string path, ToolNameMap names)
    {
        if (string.IsNullOrEmpty(block.Id))
        {
            throw new InvalidRequestException($"{path}.id: is required");
        }

        if (string.IsNullOrEmpty(block.Name))
        {
            throw new InvalidRequestException($"{path}.name: is required");
        }

        return new CodexFunctionCallItem(names.ToCodex(block.Name), ToArgumentsJson(block.Input), block.Id);
    }

    /// <summary>Only signatures this proxy minted carry Codex reasoning; empty or foreign ones (real Claude
    /// signatures) are dropped, since the backend would reject them.</summary>
    private static CodexReasoningItem? ToReasoning(ContentBlock block)
    {
        if (!ThinkingSignature.TryDecode(block.Signature, out _, out var encryptedContent))
        {
            return null;
        }

        return new CodexReasoningItem
        {
            Summary = string.IsNullOrEmpty(block.Thinking) ? [] : [new CodexSummaryText(block.Thinking)],
            EncryptedContent = encryptedContent,
        };
    }
}
