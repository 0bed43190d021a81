using CodexProxy.Anthropic;

namespace CodexProxy.Translation.Request;

/// <summary>A client tool to offer upstream, with its index in the request's <c>tools</c> (for error paths).</summary>
internal sealed record OfferedTool(ToolDefinition Definition, int RequestIndex);

/// <summary>A deferred tool that the conversation has loaded, and the message whose <c>tool_reference</c> loaded it first.</summary>
internal sealed record LoadedTool(OfferedTool Tool, int MessageIndex);

/// <summary>
/// The tools the model may call under tool search: <see cref="Upfront"/> are the request's ordinary tools, in the
/// client's order; <see cref="Loaded"/> are the <c>defer_loading</c> tools some <c>tool_reference</c> has named, in
/// the order they were first loaded. Deferred tools never named (Claude Code's <c>DeferredToolPlaceholder</c>, and
/// tools only listed in its system text) are not offered.
/// </summary>
internal sealed record OfferedTools(IReadOnlyList<OfferedTool> Upfront, IReadOnlyList<LoadedTool> Loaded)
{
    /// <summary>The classic request shape's tool list: loaded tools go last, so loading one leaves the
    /// definitions already sent unchanged and in place.</summary>
    public IEnumerable<OfferedTool> InUpstreamOrder => Upfront.Concat(Loaded.Select(static l => l.Tool));
}

/// <summary>
/// Claude Code's tool search (the <c>advanced-tool-use</c> beta): some tools arrive with <c>defer_loading: true</c> and
/// become callable only after the model's ToolSearch call returns <c>tool_reference</c> blocks naming them. This is
/// the one place that decides which tools are offered; the tool_reference blocks themselves reach the model as text
/// (<see cref="LoadedToolsText"/>).
/// </summary>
internal static class ToolSearch
{
    public const string ToolReferenceType = "tool_reference";

    public static OfferedTools Offer(IReadOnlyList<ToolDefinition>? tools, IReadOnlyList<InputMessage> messages)
    {
        var upfront = new List<OfferedTool>();
        var deferred = new Dictionary<string, OfferedTool>(StringComparer.Ordinal);
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var tool = tools![i];
            if (tool.DeferLoading != true)
            {
                upfront.Add(new OfferedTool(tool, i));
            }
            else if (!string.IsNullOrEmpty(tool.Name))
            {
                deferred.TryAdd(tool.Name, new OfferedTool(tool, i));
            }
        }

        var loaded = new List<LoadedTool>();
        if (deferred.Count > 0)
        {
            foreach (var (name, messageIndex) in ReferencesInOrder(messages))
            {
                if (deferred.Remove(name, out var tool))
                {
                    loaded.Add(new LoadedTool(tool, messageIndex));
                }
            }
        }

        return new OfferedTools(upfront, loaded);
    }

    /// <summary>What the model reads where Claude Code put <c>tool_reference</c> blocks.</summary>
    public static string LoadedToolsText(IEnumerable<string> toolNames) => "Loaded tools: " + string.Join(", ", toolNames);

    /// <summary>The tool named by a <c>tool_reference</c> block; a reference without a name is malformed.</summary>
    public static string ReferencedName(ContentBlock block, string path) =>
        string.IsNullOrEmpty(block.ToolName) ? throw new InvalidRequestException($"{path}.tool_name: is required") : block.ToolName;

    /// <summary>Every named reference, top-level or inside a <c>tool_result</c>, with its message index, in conversation order.</summary>
    private static IEnumerable<(string Name, int MessageIndex)> ReferencesInOrder(IReadOnlyList<InputMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            foreach (var block in messages[i]?.Content ?? [])
            {
                var nested = block.Type == "tool_result" ? block.Content ?? [] : [block];
                foreach (var candidate in nested)
                {
                    if (candidate.Type == ToolReferenceType && !string.IsNullOrEmpty(candidate.ToolName))
                    {
                        yield return (candidate.ToolName, i);
                    }
                }
            }
        }
    }
}
