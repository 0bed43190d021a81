using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex.WebSocketTransport;

/// <summary>
/// An output item as the proxy's own request would carry it on the next turn, once the client has replayed the answer:
/// an assistant message as one <c>output_text</c> (the translator joins a message's parts into one text block), a
/// function call with its name, arguments and call id, reasoning with its summary paragraphs joined into one summary
/// (the translator's thinking block) and its encrypted content. Anything else (refusals, hosted tool calls, empty
/// text, reasoning without encrypted content) has no such rendition and is <see cref="ItemDigest.Unmatchable"/>.
/// </summary>
internal static class OutputItemRendering
{
    private const string ThinkingSeparator = "\n\n";

    public static CodexInputItem? ToInputItem(CodexOutputItem item) => item.Type switch
    {
        "message" when item.Role is "assistant" && MessageText(item) is { Length: > 0 } text => new CodexMessageItem("assistant", [new CodexOutputText(text)]),
        "function_call" when item is { Name: { } name, Arguments: { } arguments, CallId: { } callId } => new CodexFunctionCallItem(name, arguments, callId),
        "reasoning" when item.EncryptedContent is { Length: > 0 } encrypted => new CodexReasoningItem
        {
            Summary = SummaryText(item) is { Length: > 0 } summary ? [new CodexSummaryText(summary)] : [],
            EncryptedContent = encrypted,
        },
        _ => null,
    };

    public static ItemDigest Digest(CodexOutputItem item) =>
        ToInputItem(item) is { } rendered ? ItemDigest.OfItems([rendered])[0] : ItemDigest.Unmatchable;

    private static string? MessageText(CodexOutputItem item) =>
        item.Content is { } parts && parts.All(static part => part.Type == "output_text")
            ? string.Concat(parts.Select(static part => part.Text))
            : null;

    private static string SummaryText(CodexOutputItem item) =>
        string.Join(ThinkingSeparator, item.Summary?.Select(static part => part.Text).Where(static text => !string.IsNullOrEmpty(text)) ?? []);
}
