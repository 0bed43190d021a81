using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;

namespace CodexProxy.Translation.Request;

/// <summary>Per-call facts the mapper needs besides the body.</summary>
/// <param name="SessionId">The <c>X-Claude-Code-Session-Id</c> header, if present.</param>
/// <param name="Catalog">The model catalogue (live or built-in) the request is shaped by.</param>
internal sealed record RequestContext(string? SessionId, ModelMappingOptions Models, CatalogSnapshot? Catalog = null);

/// <summary>The Codex request plus what the response side needs: names to map back, and whether thinking text is wanted.</summary>
internal sealed record MappedRequest(CodexRequest Body, string RequestedModel, ToolNameMap ToolNames)
{
    /// <summary><c>thinking.display: "omitted"</c>: thinking blocks go back with their signature only.</summary>
    public bool OmitThinkingText { get; init; }
}

/// <summary>
/// Anthropic Messages request → Codex Responses request. Pure; throws <see cref="InvalidRequestException"/> with the
/// JSON path of bad input. temperature, top_p, top_k, max_tokens and stop_sequences are deliberately not mapped: the
/// backend rejects them. <c>store</c>, <c>stream</c> and <c>include</c> come from <see cref="CodexRequest"/>'s defaults.
/// </summary>
internal static class RequestMapper
{
    public static MappedRequest ToCodexRequest(MessagesRequest request, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw new InvalidRequestException("model: is required");
        }

        if (request.Messages is not { Count: > 0 } messages)
        {
            throw new InvalidRequestException("messages: must contain at least one message");
        }

        RejectNullEntries(messages, "messages");
        RejectNullEntries(request.Tools, "tools");

        var model = ModelResolver.Resolve(request.Model, context.Models, context.Catalog);
        var catalogModel = context.Catalog?.Find(model.Slug);
        var toolNames = new ToolNameMap(CollectToolNames(request.Tools, messages));
        var systemPrompt = InstructionsBuilder.Build(request.System);
        var conversation = InputMapper.ToInputItems(messages, toolNames, out var messageEnds);
        var cacheKey = SessionKey.ForThread(SessionKey.From(context.SessionId, request.Metadata), systemPrompt, conversation);
        var shape = RequestShape.Build(systemPrompt, conversation, messageEnds, ToolSearch.Offer(request.Tools, messages), toolNames, catalogModel, cacheKey);
        var body = new CodexRequest
        {
            Model = model.Slug,
            Input = shape.Input,
            Tools = shape.Tools,
            ToolChoice = ToolsMapper.ToCodexToolChoice(request.ToolChoice, request.Tools, toolNames),
            ParallelToolCalls = CatalogSettings.ParallelToolCalls(catalogModel, ToolsMapper.ParallelToolCalls(request.ToolChoice)),
            Reasoning = EffortMapper.ToReasoning(model, request, catalogModel),
            PromptCacheKey = cacheKey,
            Text = CatalogSettings.Verbosity(catalogModel, requested: null) is { } verbosity ? new CodexTextOptions { Verbosity = verbosity } : null,
            ResponsesLite = shape.ResponsesLite,
            SystemPrompt = shape.SystemPrompt,
            ModelTraits = catalogModel?.Traits ?? CodexModelTraits.Default,
        };
        return new MappedRequest(body, request.Model, toolNames) { OmitThinkingText = EffortMapper.OmitsThinkingText(request.Thinking) };
    }

    /// <summary>JSON allows <c>[null]</c> where an object belongs; name it here rather than fail deeper in.</summary>
    private static void RejectNullEntries<T>(IReadOnlyList<T?>? entries, string path)
        where T : class
    {
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            if (entries![i] is null)
            {
                throw new InvalidRequestException($"{path}[{i}]: must be an object, not null");
            }
        }
    }

    /// <summary>Every name that may need shortening: declared tools and tool calls already in the history.</summary>
    private static IEnumerable<string> CollectToolNames(IReadOnlyList<ToolDefinition>? tools, IReadOnlyList<InputMessage> messages)
    {
        foreach (var tool in tools ?? [])
        {
            if (!string.IsNullOrEmpty(tool.Name))
            {
                yield return tool.Name;
            }
        }

        foreach (var message in messages)
        {
            foreach (var block in message.Content ?? [])
            {
                if (block.Type == "tool_use" && !string.IsNullOrEmpty(block.Name))
                {
                    yield return block.Name;
                }
            }
        }
    }
}
