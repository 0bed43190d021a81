using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Translation.Request;

/// <summary>Anthropic <c>tool_result</c> → Codex <c>function_call_output</c>.</summary>
internal static class ToolResultMapper
{
    /// <summary>
    /// The Responses API has no error flag on a function output, so a failed tool call would read like a success.
    /// A visible marker at the start of the output tells the model the call failed.
    /// </summary>
    public const string ErrorPrefix = "[tool error] ";

    private static readonly RawJsonString LineBreak = RawJsonString.Escaped("\n");

    public static CodexFunctionCallOutputItem ToOutputItem(ContentBlock block, string path)
    {
        if (string.IsNullOrEmpty(block.ToolUseId))
        {
            throw new InvalidRequestException($"{path}.tool_use_id: is required");
        }

        var parts = ContentPartMapper.ToParts(block.Content ?? [], $"{path}.content", "tool_result", allowDocuments: true);
        var isError = block.IsError == true;
        var output = parts.TrueForAll(p => p is CodexInputText)
            ? new CodexFunctionOutput { Text = JoinText(parts, isError) }
            : new CodexFunctionOutput { Parts = MarkFirstText(parts, isError) };
        return new CodexFunctionCallOutputItem(block.ToolUseId, output);
    }

    /// <summary>Joined as the client's bytes where it sent them: a single text part is passed on as it is.</summary>
    private static RawJsonString JoinText(List<CodexContentPart> parts, bool isError)
    {
        var pieces = new List<RawJsonString>((parts.Count * 2) + 1);
        if (isError)
        {
            pieces.Add(ErrorPrefix);
        }

        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                pieces.Add(LineBreak);
            }

            pieces.Add(((CodexInputText)parts[i]).Text);
        }

        return pieces.Count == 0 ? RawJsonString.Empty : RawJsonString.Concat(pieces);
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
            parts[first] = new CodexInputText(RawJsonString.Concat([ErrorPrefix, ((CodexInputText)parts[first]).Text]));
        }

        return parts;
    }
}
