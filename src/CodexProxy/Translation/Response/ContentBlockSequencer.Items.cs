using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Response;

/// <summary>Per-item handling: which Codex event opens, feeds or closes which Anthropic block.</summary>
internal sealed partial class ContentBlockSequencer
{
    private const string ThinkingSeparator = "\n\n";

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
        if (state.Kind != CodexItemKind.Reasoning || state.IsDone || string.IsNullOrEmpty(codexEvent.Delta) || OmitThinkingText)
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
        if (!state.HasDeltas && !OmitThinkingText)
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
}
