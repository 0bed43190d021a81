using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// An output item as the proxy's own request would carry it on the next turn, once the client has replayed the answer:
/// an assistant message as its one <c>output_text</c>, a function call with its name, arguments and call id, reasoning
/// with its one summary paragraph (or none) and its encrypted content. Anything the replay would not carry exactly as
/// the backend produced it is <see cref="ItemDigest.Unmatchable"/>, so the next turn goes out in full: a message of
/// several parts or a summary of several paragraphs (the translator joins them into one block), refusals, hosted tool
/// calls, empty text, reasoning without encrypted content.
/// </summary>
internal static class OutputItemRendering
{
    public static CodexInputItem? ToInputItem(CodexOutputItem item) => item.Type switch
    {
        "message" when item.Role is "assistant" && MessageText(item) is { Length: > 0 } text => new CodexMessageItem("assistant", [new CodexOutputText(text)]),
        "function_call" when item is { Name: { } name, Arguments: { } arguments, CallId: { } callId } => new CodexFunctionCallItem(name, arguments, callId),
        "reasoning" when item.EncryptedContent is { Length: > 0 } encrypted && SummaryText(item) is { } summary => new CodexReasoningItem
        {
            Summary = summary.Length > 0 ? [new CodexSummaryText(summary)] : [],
            EncryptedContent = encrypted,
        },
        _ => null,
    };

    public static ItemDigest Digest(CodexOutputItem item) =>
        ToInputItem(item) is { } rendered ? ItemDigest.OfValues([rendered], 0, 1)[0] : ItemDigest.Unmatchable;

    private static string? MessageText(CodexOutputItem item) =>
        item.Content is [{ Type: "output_text", Text: { } text }] ? text : null;

    /// <summary>Empty for no summary; null (no rendition) for several paragraphs.</summary>
    private static string? SummaryText(CodexOutputItem item) => item.Summary switch
    {
        null or [] => string.Empty,
        [{ Text: { Length: > 0 } text }] => text,
        _ => null,
    };
}
