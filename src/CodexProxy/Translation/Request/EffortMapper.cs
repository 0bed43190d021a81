using CodexProxy.Anthropic;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>
/// Chooses <c>reasoning.effort</c> and <c>reasoning.summary</c>. The first rule that applies wins:
/// <list type="table">
/// <listheader><term>Source</term><description>Codex effort</description></listheader>
/// <item><term>1. effort suffix on the model name (<c>gpt-5.5-high</c>, also in an override), or an alias's effort</term><description>that effort</description></item>
/// <item><term>2. the client's effort: the newest message's <c>output_config.effort</c> (Claude Code's per-turn
/// setting on its <c>system</c> entries), else the top-level <c>output_config.effort</c></term><description><c>low</c>→low,
/// <c>medium</c>→medium, <c>high</c>→high, <c>max</c>→xhigh, <c>xhigh</c>→xhigh</description></item>
/// <item><term>3. <c>thinking: enabled</c> with <c>budget_tokens</c></term><description>≤1024→low, ≤8192→medium, ≤24576→high, more→xhigh</description></item>
/// <item><term>4. the built-in table's effort for the Claude family (opus → high)</term><description>that effort</description></item>
/// <item><term>5. <c>thinking: adaptive</c> (or enabled without a budget)</term><description>medium</description></item>
/// <item><term>6. no thinking, or <c>disabled</c></term><description>none sent (the model's default)</description></item>
/// </list>
/// <c>summary</c> is <c>auto</c> whenever thinking is enabled or adaptive and shown, so the reasoning comes back as
/// thinking text; it is omitted otherwise (also for <c>display: "omitted"</c>, where no text is wanted). No
/// <c>reasoning</c> object is sent when neither is set.
/// </summary>
internal static class EffortMapper
{
    public static CodexReasoning? ToReasoning(ResolvedModel model, MessagesRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var effort = Choose(model, ClientEffort(request), request.Thinking);
        var summary = IsThinkingOn(request.Thinking) && !OmitsThinkingText(request.Thinking) ? "auto" : null;
        return effort is null && summary is null ? null : new CodexReasoning { Effort = effort, Summary = summary };
    }

    /// <summary>The precedence above, in one place: what the user named beats what the client asks for, which beats
    /// the proxy's defaults.</summary>
    public static string? Choose(ResolvedModel model, string? clientEffort, ThinkingConfig? thinking)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Effort is not null && !model.EffortIsDefault)
        {
            return model.Effort;
        }

        return clientEffort ?? FromBudget(thinking) ?? model.Effort ?? FromThinking(thinking);
    }

    /// <summary>The client's effort, already mapped to a Codex value: the last message carrying one wins, then the
    /// request's own <c>output_config</c>. Unknown values count as none.</summary>
    public static string? ClientEffort(MessagesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages ?? [];
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (FromOutputConfig(messages[i]?.OutputConfig?.Effort) is { } perTurn)
            {
                return perTurn;
            }
        }

        return FromOutputConfig(request.OutputConfig?.Effort);
    }

    /// <summary><c>thinking.display: "omitted"</c>: thinking blocks are returned with their signature but no text.</summary>
    public static bool OmitsThinkingText(ThinkingConfig? thinking) =>
        string.Equals(thinking?.Display, "omitted", StringComparison.OrdinalIgnoreCase);

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

    private static string? FromBudget(ThinkingConfig? thinking) =>
        thinking is { Type: "enabled", BudgetTokens: { } budget } ? FromBudget(budget) : null;

    private static bool IsThinkingOn(ThinkingConfig? thinking) => thinking?.Type is "enabled" or "adaptive";
}
