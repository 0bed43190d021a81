namespace CodexProxy.Translation.Response;

internal enum CodexItemKind
{
    Other,
    Message,
    FunctionCall,
    Reasoning,
    WebSearch,
}

/// <summary>What the translator knows about one upstream output item while it streams.</summary>
internal sealed class CodexItemState(CodexItemKind kind, string? itemId)
{
    public CodexItemKind Kind { get; } = kind;

    public string? ItemId { get; set; } = itemId;

    /// <summary>Function calls: the <c>call_…</c> id (the Anthropic tool_use id) and the tool name.</summary>
    public string? CallId { get; set; }

    public string? Name { get; set; }

    /// <summary>The Anthropic block index once <c>content_block_start</c> has been emitted; null before.</summary>
    public int? BlockIndex { get; set; }

    /// <summary>Whether any non-empty delta was emitted into the block (if not, the done item supplies the content).</summary>
    public bool HasDeltas { get; set; }

    /// <summary>The item's <c>output_item.done</c> has been handled; later events for it are stale.</summary>
    public bool IsDone { get; set; }

    /// <summary>Reasoning: the summary part the last thinking delta belonged to (a change inserts a blank line).</summary>
    public int SummaryIndex { get; set; }

    /// <summary>Reasoning: a new summary part began after some text; the next delta is preceded by a blank line.</summary>
    public bool SeparatorPending { get; set; }
}
