using CodexProxy.Anthropic;
using CodexProxy.Codex;

namespace CodexProxy.Translation;

/// <summary>Anthropic <c>tool_result</c> → Codex <c>function_call_output</c>.</summary>
internal static class ToolResultMapper
{
    /// <summary>
    /// The Responses API has no error flag on a function output, so a failed tool call would read like a success.
    /// A visible marker at the start of the output tells the model the call failed.
    /// </summary>
    public const string ErrorPrefix = "[tool error] ";

    public static CodexFunctionCallOutputItem ToOutputItem(ContentBlock block, string path)
    {
        if (string.IsNullOrEmpty(block.ToolUseId))
        {
            throw new InvalidRequestException($"{path}.tool_use_id: is required");
        }

        var parts = ToParts(block.Content ?? [], $"{path}.content");
        var isError = block.IsError == true;
        var output = parts.TrueForAll(p => p is CodexInputText)
            ? new CodexFunctionOutput { Text = JoinText(parts, isError) }
            : new CodexFunctionOutput { Parts = MarkFirstText(parts, isError) };
        return new CodexFunctionCallOutputItem(block.ToolUseId, output);
    }

    private static List<CodexContentPart> ToParts(IReadOnlyList<ContentBlock> blocks, string path)
    {
        var parts = new List<CodexContentPart>(blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            var inner = blocks[i];
            var innerPath = $"{path}[{i}]";
            switch (inner.Type)
            {
                case "text" when string.IsNullOrEmpty(inner.Text):
                    break;
                case "text":
                    parts.Add(new CodexInputText(inner.Text));
                    break;
                case "image":
                    parts.Add(ContentPartMapper.ToImage(inner, innerPath));
                    break;
                case "document":
                    parts.AddRange(ContentPartMapper.ToDocumentParts(inner, innerPath));
                    break;
                default:
                    throw new InvalidRequestException(
                        $"{innerPath}.type: unsupported block type '{inner.Type}' in a tool_result");
            }
        }

        return parts;
    }

    private static string JoinText(List<CodexContentPart> parts, bool isError)
    {
        var text = string.Join("\n", parts.Cast<CodexInputText>().Select(p => p.Text));
        return isError ? ErrorPrefix + text : text;
    }

    private static List<CodexContentPart> MarkFirstText(List<CodexContentPart> parts, bool isError)
    {
        if (!isError)
        {
            return parts;
        }

        var first = parts.FindIndex(p => p is CodexInputText);
        if (first < 0)
        {
            parts.Insert(0, new CodexInputText(ErrorPrefix.TrimEnd()));
        }
        else
        {
            parts[first] = new CodexInputText(ErrorPrefix + ((CodexInputText)parts[first]).Text);
        }

        return parts;
    }
}
