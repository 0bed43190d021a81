namespace CodexProxy.Translation.Response;

/// <summary>
/// Codex has no stop reason: a turn continues when the response contained a tool call (as in the official client, https://github.com/openai/codex/tree/main/codex-rs/core).
/// An incomplete response maps from its <c>incomplete_details.reason</c>.
/// </summary>
internal static class StopReasonMapper
{
    public const string EndTurn = "end_turn";
    public const string ToolUse = "tool_use";
    public const string MaxTokens = "max_tokens";
    public const string Refusal = "refusal";

    /// <param name="anyToolUse">Whether a <c>tool_use</c> block was emitted in this response.</param>
    /// <param name="incompleteReason">Null for <c>response.completed</c>; the reason for <c>response.incomplete</c>.</param>
    /// <remarks>A truncation or filter wins over <c>tool_use</c>: the tool call it cut short is not safe to run.
    /// An unknown incomplete reason falls back to the completed rule.</remarks>
    public static string ToAnthropic(bool anyToolUse, string? incompleteReason = null) => incompleteReason switch
    {
        "max_output_tokens" => MaxTokens,
        "content_filter" => Refusal,
        _ when anyToolUse => ToolUse,
        _ => EndTurn,
    };
}
