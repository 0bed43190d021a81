using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>
/// Chooses <c>reasoning.effort</c> and <c>reasoning.summary</c>. The first rule that applies wins:
/// <list type="table">
/// <listheader><term>Source</term><description>Codex effort</description></listheader>
/// <item><term>1. effort suffix on the model name (<c>gpt-5.5-high</c>) or the table's effort</term><description>that effort</description></item>
/// <item><term>2. <c>output_config.effort</c></term><description><c>low</c>→low, <c>medium</c>→medium, <c>high</c>→high, <c>max</c>→xhigh, <c>xhigh</c>→xhigh</description></item>
/// <item><term>3. <c>thinking: enabled</c> with <c>budget_tokens</c></term><description>≤1024→low, ≤8192→medium, ≤24576→high, more→xhigh</description></item>
/// <item><term>4. <c>thinking: adaptive</c> (or enabled without a budget)</term><description>medium</description></item>
/// <item><term>5. no thinking, or <c>disabled</c></term><description>none sent (the model's default)</description></item>
/// </list>
/// <c>summary</c> is <c>auto</c> whenever thinking is enabled or adaptive, so the reasoning comes back as thinking
/// text; it is omitted otherwise. No <c>reasoning</c> object is sent when neither is set.
/// </summary>
internal static class EffortMapper
{
    public static CodexReasoning? ToReasoning(string? modelEffort, OutputConfig? outputConfig, ThinkingConfig? thinking)
    {
        var effort = modelEffort ?? FromOutputConfig(outputConfig?.Effort) ?? FromThinking(thinking);
        var summary = IsThinkingOn(thinking) ? "auto" : null;
        return effort is null && summary is null ? null : new CodexReasoning { Effort = effort, Summary = summary };
    }

    /// <summary>Unknown values fall through to the next rule rather than failing the request.</summary>
    public static string? FromOutputConfig(string? effort) => effort?.Trim().ToLowerInvariant() switch
    {
        "low" => "low",
        "medium" => "medium",
        "high" => "high",
        "max" or "xhigh" => "xhigh",
        _ => null,
    };

    public static string? FromThinking(ThinkingConfig? thinking) => thinking?.Type switch
    {
        "enabled" when thinking.BudgetTokens is { } budget => FromBudget(budget),
        "enabled" or "adaptive" => "medium",
        _ => null,
    };

    public static string FromBudget(int budgetTokens) => budgetTokens switch
    {
        <= 1024 => "low",
        <= 8192 => "medium",
        <= 24576 => "high",
        _ => "xhigh",
    };

    private static bool IsThinkingOn(ThinkingConfig? thinking) => thinking?.Type is "enabled" or "adaptive";
}
