using CodexProxy.Anthropic;
using CodexProxy.Codex;

namespace CodexProxy.Translation;

/// <summary>
/// Turns Codex output-item events into Anthropic content blocks, appending the resulting events to
/// <c>output</c> as each input arrives. Anthropic blocks must not interleave, so while one block is open,
/// events of every other item are queued and replayed, in arrival order, once that block closes.
/// </summary>
/// <remarks>
/// Thinking blocks open lazily (first summary delta, or the done item) because a reasoning item with neither
/// summary text nor <c>encrypted_content</c> would be an unsigned, empty block that Claude Code cannot use;
/// such items produce nothing. Text blocks also open at their first non-empty delta. Tool-use blocks open at
/// <c>output_item.added</c>, which already carries the call id and name.
/// </remarks>
internal sealed class ContentBlockSequencer(ToolNameMap toolNames, List<StreamEvent> output)
{
    private const string ThinkingSeparator = "\n\n";

    private readonly Dictionary<int, CodexItemState> _items = [];
    private readonly Dictionary<string, int> _keysByItemId = new(StringComparer.Ordinal);
    private Queue<(int Key, CodexStreamEvent Event)> _deferred = new();
    private Queue<(int Key, CodexStreamEvent Event)> _replaying = new();
    private int? _openKey;
    private int _nextBlockIndex;
    private int _nextSyntheticKey = -1;

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

    private void Dispatch(int key, CodexStreamEvent codexEvent)
    {
        switch (codexEvent.Type)
        {
            case "response.output_item.added":
                OnItemAdded(key, codexEvent.Item);
                break;
            case "response.output_item.done":
                OnItemDone(key, codexEvent.Item);
                break;
            case "response.output_text.delta" or "response.refusal.delta":
                OnTextDelta(key, codexEvent);
                break;
            case "response.function_call_arguments.delta":
                OnArgumentsDelta(key, codexEvent.Delta);
                break;
            case "response.reasoning_summary_part.added":
                OnSummaryPartAdded(key, codexEvent);
                break;
            case "response.reasoning_summary_text.delta":
                OnSummaryDelta(key, codexEvent);
                break;
            default:
                break;
        }
    }

    private void OnItemAdded(int key, CodexOutputItem? item)
    {
        if (item is null || _items.ContainsKey(key))
        {
            return;
        }

        var state = new CodexItemState(KindOf(item.Type), item.Id);
        _items[key] = state;
        if (state.Kind == CodexItemKind.FunctionCall)
        {
            OpenToolUse(key, state, item);
        }
    }

    private void OnTextDelta(int key, CodexStreamEvent codexEvent)
    {
        var state = GetOrCreate(key, CodexItemKind.Message, codexEvent.ItemId);
        if (state.Kind != CodexItemKind.Message || state.IsDone || string.IsNullOrEmpty(codexEvent.Delta))
        {
            return;
        }

        EnsureOpen(key, state, static () => new TextBlock(""));
        Emit(state, new TextDelta(codexEvent.Delta));
    }

    private void OnArgumentsDelta(int key, string? delta)
    {
        // Without output_item.added there is no call id yet; the done item then supplies the full arguments.
        if (!_items.TryGetValue(key, out var state) || state.Kind != CodexItemKind.FunctionCall || state.IsDone
            || state.BlockIndex is null || string.IsNullOrEmpty(delta))
        {
            return;
        }

        Emit(state, new InputJsonDelta(delta));
    }

    private void OnSummaryPartAdded(int key, CodexStreamEvent codexEvent)
    {
        var state = GetOrCreate(key, CodexItemKind.Reasoning, codexEvent.ItemId);
        if (state.Kind == CodexItemKind.Reasoning && codexEvent.SummaryIndex is { } index)
        {
            StartSummaryPart(state, index);
        }
    }

    private void OnSummaryDelta(int key, CodexStreamEvent codexEvent)
    {
        var state = GetOrCreate(key, CodexItemKind.Reasoning, codexEvent.ItemId);
        if (state.Kind != CodexItemKind.Reasoning || state.IsDone || string.IsNullOrEmpty(codexEvent.Delta))
        {
            return;
        }

        if (codexEvent.SummaryIndex is { } index)
        {
            StartSummaryPart(state, index);
        }

        EnsureOpen(key, state, static () => new ThinkingBlock("", ""));
        if (state.SeparatorPending)
        {
            state.SeparatorPending = false;
            output.Add(new ContentBlockDeltaEvent(state.BlockIndex!.Value, new ThinkingDelta(ThinkingSeparator)));
        }

        Emit(state, new ThinkingDelta(codexEvent.Delta));
    }

    /// <summary>Summary parts render as paragraphs of one thinking block; the blank line waits for the part's first text.</summary>
    private static void StartSummaryPart(CodexItemState state, int index)
    {
        if (index != state.SummaryIndex)
        {
            state.SummaryIndex = index;
            state.SeparatorPending = state.HasDeltas;
        }
    }

    private void OnItemDone(int key, CodexOutputItem? item)
    {
        if (item is null)
        {
            return;
        }

        var state = GetOrCreate(key, KindOf(item.Type), item.Id);
        if (state.IsDone)
        {
            return;
        }

        state.ItemId = item.Id ?? state.ItemId;
        switch (state.Kind)
        {
            case CodexItemKind.Message:
                FinishMessage(key, state, item);
                break;
            case CodexItemKind.FunctionCall:
                FinishFunctionCall(key, state, item);
                break;
            case CodexItemKind.Reasoning:
                FinishReasoning(key, state, item);
                break;
            case CodexItemKind.WebSearch:
                WebSearchBlocks.Emit(item, ref _nextBlockIndex, output);
                break;
            default:
                break;
        }

        if (_openKey == key)
        {
            CloseOpenBlock();
        }

        state.IsDone = true;
    }

    private void FinishMessage(int key, CodexItemState state, CodexOutputItem item)
    {
        if (state.HasDeltas)
        {
            return;
        }

        var text = string.Concat(item.Content?.Select(static part => part.Text ?? part.Refusal) ?? []);
        if (text.Length > 0)
        {
            EnsureOpen(key, state, static () => new TextBlock(""));
            Emit(state, new TextDelta(text));
        }
    }

    private void FinishFunctionCall(int key, CodexItemState state, CodexOutputItem item)
    {
        if (state.BlockIndex is null)
        {
            OpenToolUse(key, state, item);
        }

        if (!state.HasDeltas && !string.IsNullOrEmpty(item.Arguments))
        {
            Emit(state, new InputJsonDelta(item.Arguments));
        }
    }

    private void FinishReasoning(int key, CodexItemState state, CodexOutputItem item)
    {
        if (!state.HasDeltas)
        {
            var summary = string.Join(ThinkingSeparator, item.Summary?.Select(static part => part.Text).Where(static text => !string.IsNullOrEmpty(text)) ?? []);
            if (summary.Length > 0)
            {
                EnsureOpen(key, state, static () => new ThinkingBlock("", ""));
                Emit(state, new ThinkingDelta(summary));
            }
        }

        // The final encrypted_content is on the done item; the one on output_item.added is a stale snapshot.
        if (!string.IsNullOrEmpty(item.EncryptedContent))
        {
            EnsureOpen(key, state, static () => new ThinkingBlock("", ""));
            var signature = ThinkingSignature.Encode(state.ItemId ?? "rs", item.EncryptedContent);
            output.Add(new ContentBlockDeltaEvent(state.BlockIndex!.Value, new SignatureDelta(signature)));
        }
    }

    private void OpenToolUse(int key, CodexItemState state, CodexOutputItem item)
    {
        state.CallId = item.CallId ?? item.Id ?? "call";
        state.Name = toolNames.ToAnthropic(item.Name ?? "");
        AnyToolUse = true;
        EnsureOpen(key, state, () => new ToolUseBlock(state.CallId, state.Name, JsonConstants.EmptyObject));
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
