using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

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
        RawJsonString systemPrompt,
        IReadOnlyList<CodexInputItem> conversation,
        IReadOnlyList<int> messageEnds,
        OfferedTools offered,
        ToolNameMap names,
        CatalogModel? model,
        string? cacheKey)
    {
        ArgumentNullException.ThrowIfNull(offered);
        if (model?.UsesResponsesLite != true)
        {
            return Classic(systemPrompt, conversation, ToolsMapper.ToCodexTools(offered, names));
        }

        var loaded = offered.Loaded
            .GroupBy(l => l.MessageIndex)
            .Select(group => (group.Key, ToolsMapper.ToCodexTools(group.Select(l => l.Tool), names)))
            .ToList();
        return Lite(systemPrompt, conversation, messageEnds, ToolsMapper.ToCodexTools(offered.Upfront, names), loaded, cacheKey);
    }

    /// <summary>The same shape for an API whose tools are all declared up front (the OpenAI Chat Completions and
    /// Responses APIs): on a Responses-lite model they are declared once, before the conversation.</summary>
    public static RequestShape Build(
        RawJsonString systemPrompt, IReadOnlyList<CodexInputItem> conversation, IReadOnlyList<CodexTool> tools, CatalogModel? model, string? cacheKey) =>
        model?.UsesResponsesLite == true
            ? Lite(systemPrompt, conversation, messageEnds: [], tools, loaded: [], cacheKey)
            : Classic(systemPrompt, conversation, tools);

    private static CodexMessageItem Prompt(RawJsonString systemPrompt)
    {
        ArgumentNullException.ThrowIfNull(systemPrompt);
        return new CodexMessageItem("developer", [new CodexInputText(systemPrompt)]);
    }

    private static List<CodexInputItem> WithPrompt(CodexMessageItem prompt, IReadOnlyList<CodexInputItem> conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var withPrompt = new List<CodexInputItem>(conversation.Count + 1) { prompt };
        withPrompt.AddRange(conversation);
        return withPrompt;
    }

    private static RequestShape Classic(RawJsonString systemPrompt, IReadOnlyList<CodexInputItem> conversation, IReadOnlyList<CodexTool> tools)
    {
        var prompt = Prompt(systemPrompt);
        return new RequestShape(WithPrompt(prompt, conversation), tools, prompt, ResponsesLite: false);
    }

    private static RequestShape Lite(
        RawJsonString systemPrompt,
        IReadOnlyList<CodexInputItem> conversation,
        IReadOnlyList<int> messageEnds,
        IReadOnlyList<CodexTool> upfront,
        IReadOnlyList<(int MessageIndex, IReadOnlyList<CodexTool> Tools)> loaded,
        string? cacheKey)
    {
        var prompt = Prompt(systemPrompt);
        // Each message's items moved one place on: the prompt is first.
        var ends = messageEnds.Select(end => end + 1).ToList();
        var thread = cacheKey ?? SessionKey.ForThread("lite", systemPrompt, conversation)!;
        var input = ResponsesLiteShape.Build(WithPrompt(prompt, conversation), ends, upfront, loaded, thread);
        return new RequestShape(input, Tools: null, prompt, ResponsesLite: true);
    }
}
