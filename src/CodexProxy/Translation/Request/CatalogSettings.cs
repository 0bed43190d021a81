using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>
/// The request settings the catalogue decides per model, the same for every client API (Anthropic Messages, OpenAI
/// Chat Completions and Responses): the effort is chosen by <see cref="EffortMapper.Choose"/>, and these turn the
/// client's wishes into what the model supports. Without a catalogue entry the client's wishes go through unchanged.
/// </summary>
internal static class CatalogSettings
{
    /// <summary><c>reasoning</c>, or null when there is nothing to say. <c>context: all_turns</c> goes with the
    /// Responses-lite shape, as the official client sends it.</summary>
    public static CodexReasoning? Reasoning(string? effort, string? summary, CatalogModel? model)
    {
        var context = model?.UsesResponsesLite == true ? EffortMapper.AllTurns : null;
        return effort is null && summary is null && context is null
            ? null
            : new CodexReasoning { Effort = effort, Summary = summary, Context = context };
    }

    /// <summary>The reasoning summary to ask for: none when the model has no summaries or the client will not show
    /// them; else the client's choice, the catalogue's preset (unless <c>none</c>), or <paramref name="fallback"/>.</summary>
    public static string? Summary(CatalogModel? model, string? requested, bool shown, string? fallback) =>
        model?.SupportsReasoningSummaries == false || !shown
            ? null
            : requested ?? (model?.DefaultReasoningSummary is { } preset && preset != "none" ? preset : fallback);

    /// <summary>The client's verbosity (else the catalogue's default) where the model supports verbosity; none where
    /// the catalogue says it does not.</summary>
    public static string? Verbosity(CatalogModel? model, string? requested) =>
        model is null ? requested
        : model.SupportsVerbosity ? requested ?? model.DefaultVerbosity
        : null;

    /// <summary>Parallel calls only when the client allows them and the model supports them.</summary>
    public static bool ParallelToolCalls(CatalogModel? model, bool clientAllows) =>
        clientAllows && model?.SupportsParallelToolCalls != false;
}
