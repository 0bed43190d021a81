using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Response;

/// <summary>
/// Turns Codex output-item events into Anthropic content blocks, appending the resulting events to
/// <c>output</c> as each input arrives. Anthropic blocks must not interleave, so while one block is open,
/// events of every other item are queued and replayed, in arrival order, once that block closes.
/// </summary>
/// <remarks>
/// Thinking blocks open lazily (first summary delta, or the done item) because a reasoning item with neither
/// summary text nor <c>encrypted_content</c> would be an unsigned, empty block that Claude Code cannot use;
/// such items produce nothing. Text blocks also open at their first non-empty delta. Tool-use blocks open at
/// <c>output_item.added</c>, which already carries the call id and name. With <see cref="OmitThinkingText"/> a
/// thinking block carries no text at all: it opens at the done item, holding only the signature.
/// </remarks>
internal sealed partial class ContentBlockSequencer(ToolNameMap toolNames, List<StreamEvent> output)
{
    private readonly Dictionary<int, CodexItemState> _items = [];
    private readonly Dictionary<string, int> _keysByItemId = new(StringComparer.Ordinal);
    private Queue<(int Key, CodexStreamEvent Event)> _deferred = new();
    private Queue<(int Key, CodexStreamEvent Event)> _replaying = new();
    private int? _openKey;
    private int _nextBlockIndex;
    private int _nextSyntheticKey = -1;

    /// <summary>The client asked for <c>thinking.display: "omitted"</c>: reasoning summaries are not forwarded, the
    /// signature (the encrypted reasoning, needed for the replay) still is.</summary>
    public bool OmitThinkingText { get; init; }

    /// <summary>Whether a <c>tool_use</c> block was started in this response.</summary>
    public bool AnyToolUse { get; private set; }

    /// <summary>Handles one item event; event types that carry no content are ignored.</summary>
    public void Handle(CodexStreamEvent codexEvent)
    {
        if (!IsItemEvent(codexEvent.Type) || !TryResolveKey(codexEvent, out var key))
        {
            return;
        }

        Route(key, codexEvent);
        ReplayDeferred();
    }

    /// <summary>At the terminal event: closes the open block and drains every queued item, closing what never finished.</summary>
    public void Finish()
    {
        do
        {
            CloseOpenBlock();
            ReplayDeferred();
        }
        while (_openKey is not null || _deferred.Count > 0);
    }

    private static bool IsItemEvent(string? type) => type is
        "response.output_item.added" or "response.output_item.done" or
        "response.output_text.delta" or "response.refusal.delta" or
        "response.function_call_arguments.delta" or
        "response.reasoning_summary_part.added" or "response.reasoning_summary_text.delta";

    /// <summary>Items are keyed by <c>output_index</c>; events without one fall back to the item id.</summary>
    private bool TryResolveKey(CodexStreamEvent codexEvent, out int key)
    {
        var itemId = codexEvent.ItemId ?? codexEvent.Item?.Id;
        if (codexEvent.OutputIndex is { } outputIndex)
        {
            key = outputIndex;
        }
        else if (itemId is not null && _keysByItemId.TryGetValue(itemId, out var known))
        {
            key = known;
        }
        else if (codexEvent.Type == "response.output_item.added")
        {
            key = _nextSyntheticKey--;
        }
        else
        {
            key = 0;
            return false;
        }

        if (itemId is not null)
        {
            _keysByItemId.TryAdd(itemId, key);
        }

        return true;
    }

    /// <summary>Defers an event while another item's block is open, or while earlier events still wait (keeps order).</summary>
    private void Route(int key, CodexStreamEvent codexEvent)
    {
        if (key != _openKey && (_openKey is not null || _deferred.Count > 0))
        {
            _deferred.Enqueue((key, codexEvent));
            return;
        }

        Dispatch(key, codexEvent);
    }

    private void ReplayDeferred()
    {
        while (_openKey is null && _deferred.Count > 0)
        {
            (_deferred, _replaying) = (_replaying, _deferred);
            while (_replaying.TryDequeue(out var entry))
            {
                Route(entry.Key, entry.Event);
            }
        }
    }

    private void EnsureOpen(int key, CodexItemState state, Func<ResponseBlock> createBlock)
    {
        if (state.BlockIndex is not null)
        {
            return;
        }

        state.BlockIndex = _nextBlockIndex++;
        _openKey = key;
        output.Add(new ContentBlockStartEvent(state.BlockIndex.Value, createBlock()));
    }

    private void Emit(CodexItemState state, BlockDelta delta)
    {
        state.HasDeltas = true;
        output.Add(new ContentBlockDeltaEvent(state.BlockIndex!.Value, delta));
    }

    private void CloseOpenBlock()
    {
        if (_openKey is not { } key)
        {
            return;
        }

        var state = _items[key];
        state.IsDone = true;
        _openKey = null;
        output.Add(new ContentBlockStopEvent(state.BlockIndex!.Value));
    }

    private CodexItemState GetOrCreate(int key, CodexItemKind kind, string? itemId)
    {
        if (!_items.TryGetValue(key, out var state))
        {
            state = new CodexItemState(kind, itemId);
            _items[key] = state;
        }

        return state;
    }

    private static CodexItemKind KindOf(string? itemType) => itemType switch
    {
        "message" => CodexItemKind.Message,
        "function_call" => CodexItemKind.FunctionCall,
        "reasoning" => CodexItemKind.Reasoning,
        "web_search_call" => CodexItemKind.WebSearch,
        _ => CodexItemKind.Other,
    };
}
