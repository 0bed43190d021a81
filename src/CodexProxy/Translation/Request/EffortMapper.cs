using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>
/// Chooses <c>reasoning</c> (effort, summary, context) the way the official Codex CLI would for the same model, so a
/// ChatGPT allowance lasts as long through the proxy as in the CLI. The first rule that applies wins:
/// <list type="table">
/// <listheader><term>Source</term><description>Codex effort</description></listheader>
/// <item><term>1. effort suffix on the model name (<c>gpt-6.1-sol-high</c>, also in an override), or an alias's effort</term><description>that effort</description></item>
/// <item><term>2. the client's effort: the newest message's <c>output_config.effort</c> (Claude Code's per-turn
/// setting on its <c>system</c> entries), else the top-level one</term><description><c>low</c>, <c>medium</c>,
/// <c>high</c>, <c>xhigh</c> as named; <c>max</c>→max where the model has it, else xhigh</description></item>
/// <item><term>3. <c>thinking: enabled</c> with <c>budget_tokens</c></term><description>a cap, never a raise:
/// ≤1024→low, ≤8192→medium, ≤24576→high, more→xhigh, but never above the catalogue's default (Claude Code's default
/// 31,999-token budget is no request for xhigh)</description></item>
/// <item><term>4. the built-in table's effort for the Claude family (none today)</term><description>that effort</description></item>
/// <item><term>5. the catalogue's <c>default_reasoning_level</c> for the model</term><description>that effort</description></item>
/// <item><term>6. a model the catalogue lacks: <c>thinking</c> enabled or adaptive</term><description>medium; else none sent</description></item>
/// </list>
/// The effort is then clamped to the model's <c>supported_reasoning_levels</c> (the nearest lower one). <c>summary</c>
/// is <c>auto</c> only when the client will show thinking (enabled or adaptive, <c>display</c> not <c>omitted</c>) and
/// the model supports summaries. <c>context: all_turns</c> goes with the Responses-lite shape.
/// </summary>
internal static class EffortMapper
{
    public const string AllTurns = "all_turns";

    public static CodexReasoning? ToReasoning(ResolvedModel model, MessagesRequest request, CatalogModel? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var effort = Choose(model, ClientEffort(request), request.Thinking, catalog);
        var shown = IsThinkingOn(request.Thinking) && !OmitsThinkingText(request.Thinking);
        return CatalogSettings.Reasoning(effort, CatalogSettings.Summary(catalog, requested: null, shown, fallback: "auto"), catalog);
    }

    /// <summary>The precedence above, in one place: what the user named beats what the client asks for, which beats
    /// the proxy's and the catalogue's defaults; a thinking budget only ever lowers the default.</summary>
    public static string? Choose(ResolvedModel model, string? clientEffort, ThinkingConfig? thinking, CatalogModel? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var chosen = model.Effort is not null && !model.EffortIsDefault
            ? model.Effort
            : clientEffort ?? CappedBudget(thinking, catalog) ?? model.Effort ?? catalog?.DefaultEffort
                ?? (catalog is null ? FromThinking(thinking) : null);
        return chosen is null ? null
            : catalog is not null ? catalog.ClampEffort(chosen)
            // Without the catalogue's word that the model has max, ask for the highest level every model has.
            : chosen == "max" && clientEffort == "max" ? "xhigh"
            : chosen;
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
        "xhigh" => "xhigh",
        "max" => "max",
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

    /// <summary>The budget's effort, capped at the catalogue's default for the model (at <c>medium</c> without one).</summary>
    private static string? CappedBudget(ThinkingConfig? thinking, CatalogModel? catalog)
    {
        if (thinking is not { Type: "enabled", BudgetTokens: { } budget })
        {
            return null;
        }

        var fromBudget = FromBudget(budget);
        var cap = catalog?.DefaultEffort ?? "medium";
        return Rank(fromBudget) <= Rank(cap) ? fromBudget : cap;
    }

    private static int Rank(string effort)
    {
        for (var i = 0; i < CatalogModel.EffortOrder.Count; i++)
        {
            if (CatalogModel.EffortOrder[i].Equals(effort, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return CatalogModel.EffortOrder.Count;
    }

    private static bool IsThinkingOn(ThinkingConfig? thinking) => thinking?.Type is "enabled" or "adaptive";
}
