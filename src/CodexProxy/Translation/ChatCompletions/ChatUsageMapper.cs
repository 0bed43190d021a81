using CodexProxy.Codex.Wire;
using CodexProxy.OpenAI;

namespace CodexProxy.Translation.ChatCompletions;

/// <summary>Codex usage → Chat Completions usage. Both count cached tokens inside the prompt and reasoning tokens
/// inside the completion, so the numbers carry over unchanged.</summary>
internal static class ChatUsageMapper
{
    public static ChatUsage ToChat(CodexUsage? usage)
    {
        var input = usage?.InputTokens ?? 0;
        var output = usage?.OutputTokens ?? 0;
        return new ChatUsage(
            input,
            output,
            usage?.TotalTokens is > 0 and var total ? total : input + output,
            new ChatPromptTokensDetails(usage?.InputTokensDetails?.CachedTokens ?? 0),
            new ChatCompletionTokensDetails(usage?.OutputTokensDetails?.ReasoningTokens ?? 0));
    }
}
