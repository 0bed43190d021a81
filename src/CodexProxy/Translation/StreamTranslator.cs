using System.Runtime.CompilerServices;
using CodexProxy.Anthropic;
using CodexProxy.Codex;

namespace CodexProxy.Translation;

/// <param name="MessageId">The Anthropic message id (<c>msg_…</c>).</param>
/// <param name="RequestedModel">Echoed as <c>model</c>: the name the client asked for.</param>
internal sealed record StreamTranslationContext(string MessageId, string RequestedModel, ToolNameMap ToolNames);

/// <summary>One state machine: Codex events in, Anthropic events out, each as soon as its input arrives.</summary>
internal static class StreamTranslator
{
    public static async IAsyncEnumerable<StreamEvent> TranslateAsync(
        IAsyncEnumerable<CodexStreamEvent> upstream,
        StreamTranslationContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }
}
