using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>Where the system prompt and the tools go for one model.</summary>
/// <param name="SystemPrompt">The <c>developer</c> item carrying the client's system prompt (see <see cref="RequestShape"/>).</param>
internal sealed record RequestShape(IReadOnlyList<CodexInputItem> Input, IReadOnlyList<CodexTool>? Tools, CodexMessageItem SystemPrompt, bool ResponsesLite)
{
    /// <summary>
    /// The official Codex CLI sends no <c>instructions</c>: its base prompt is the first <c>developer</c> message, and
    /// the client's system prompt travels the same way (byte-identical every turn, so the prefix caches). Classic
    /// models keep top-level <c>tools</c>; Responses-lite models get <see cref="ResponsesLiteShape"/>.
    /// </summary>
    public static RequestShape Build(
        string systemPrompt,
        IReadOnlyList<CodexInputItem> conversation,
        IReadOnlyList<int> messageEnds,
        OfferedTools offered,
        ToolNameMap names,
        CatalogModel? model,
        string? cacheKey)
    {
        ArgumentNullException.ThrowIfNull(systemPrompt);
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(offered);
        var prompt = new CodexMessageItem("developer", [new CodexInputText(systemPrompt)]);
        var withPrompt = new List<CodexInputItem>(conversation.Count + 1) { prompt };
        withPrompt.AddRange(conversation);
        if (model?.UsesResponsesLite != true)
        {
            return new RequestShape(withPrompt, ToolsMapper.ToCodexTools(offered, names), prompt, ResponsesLite: false);
        }

        // Each message's items moved one place on: the prompt is first.
        var ends = messageEnds.Select(end => end + 1).ToList();
        var loaded = offered.Loaded
            .GroupBy(l => l.MessageIndex)
            .Select(group => (group.Key, ToolsMapper.ToCodexTools(group.Select(l => l.Tool), names)))
            .ToList();
        var thread = cacheKey ?? SessionKey.ForThread("lite", systemPrompt, conversation)!;
        var input = ResponsesLiteShape.Build(withPrompt, ends, ToolsMapper.ToCodexTools(offered.Upfront, names), loaded, thread);
        return new RequestShape(input, Tools: null, prompt, ResponsesLite: true);
    }
}
