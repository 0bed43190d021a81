using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Response;

/// <summary>Codex usage → Anthropic usage. Codex counts cached tokens inside <c>input_tokens</c>; Anthropic counts them apart.</summary>
internal static class UsageMapper
{
    public static readonly AnthropicUsage Zero = new();

    public static AnthropicUsage ToAnthropic(CodexUsage? usage)
    {
        if (usage is null)
        {
            return Zero;
        }

        var cached = Math.Clamp(usage.InputTokensDetails?.CachedTokens ?? 0, 0, Math.Max(usage.InputTokens, 0));
        return new AnthropicUsage
        {
            InputTokens = Math.Max(usage.InputTokens - cached, 0),
            CacheReadInputTokens = cached,
            CacheCreationInputTokens = 0,
            OutputTokens = Math.Max(usage.OutputTokens, 0),
        };
    }
}
