using System.Runtime.CompilerServices;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Response;

/// <param name="MessageId">The Anthropic message id (<c>msg_…</c>).</param>
/// <param name="RequestedModel">Echoed as <c>model</c>: the name the client asked for.</param>
internal sealed record StreamTranslationContext(string MessageId, string RequestedModel, ToolNameMap ToolNames)
{
    /// <summary>The client asked for <c>thinking.display: "omitted"</c>: thinking blocks carry their signature only.</summary>
    public bool OmitThinkingText { get; init; }
}

/// <summary>One state machine: Codex events in, Anthropic events out, each as soon as its input arrives.</summary>
/// <remarks>
/// Failures are thrown, never emitted as Anthropic <c>error</c> events: the HTTP layer maps exceptions in one place.
/// <c>message_start</c> goes out at <c>response.created</c>, or just before the first other output; a stream
/// that fails before producing anything therefore yields nothing, so the HTTP layer can still answer with a status.
/// </remarks>
internal static class StreamTranslator
{
    private static readonly MessageStopEvent MessageStop = new();

    /// <summary>Upstream events this translator reads no further than their type (it ignores them, or only notes that
    /// the response was created): the upstream reader can stop at the type. Every other type is read in full, so a
    /// type missing here costs time, never output.</summary>
    public static readonly CodexEventTypes EventsReadByTypeOnly = new(
        "response.created",
        "response.in_progress",
        "response.content_part.added",
        "response.content_part.done",
        "response.output_text.done",
        "response.reasoning_summary_part.done",
        "response.reasoning_summary_text.done",
        "response.function_call_arguments.done");

    public static async IAsyncEnumerable<StreamEvent> TranslateAsync(
        IAsyncEnumerable<CodexStreamEvent> upstream,
        StreamTranslationContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var output = new List<StreamEvent>(4);
        var blocks = new ContentBlockSequencer(context.ToolNames, output) { OmitThinkingText = context.OmitThinkingText };
        var started = false;
        var finished = false;

        await foreach (var codexEvent in upstream.WithCancellation(cancellationToken))
        {
            // What failure an event carries is decided once, upstream; here it only ends the stream.
            if (UpstreamFailureClassifier.ErrorOf(codexEvent) is { } failure)
            {
                throw new UpstreamStreamException(failure);
            }

            switch (codexEvent.Type)
            {
                case "response.created":
                    break;
                case "response.completed":
                    Finish(blocks, output, codexEvent.Response, incompleteReason: null);
                    finished = true;
                    break;
                case "response.incomplete":
                    Finish(blocks, output, codexEvent.Response, codexEvent.Response?.IncompleteDetails?.Reason);
                    finished = true;
                    break;
                default:
                    blocks.Handle(codexEvent);
                    break;
            }

            if (!started && (output.Count > 0 || codexEvent.Type == "response.created"))
            {
                started = true;
                yield return MessageStart(context);
            }

            foreach (var anthropicEvent in output)
            {
                yield return anthropicEvent;
            }

            output.Clear();
            if (finished)
            {
                // The official client stops reading at the terminal event; so do we.
                yield break;
            }
        }

        throw UpstreamStreamException.Truncated();
    }

    private static void Finish(ContentBlockSequencer blocks, List<StreamEvent> output, CodexResponse? response, string? incompleteReason)
    {
        blocks.Finish();
        var stopReason = StopReasonMapper.ToAnthropic(blocks.AnyToolUse, incompleteReason);
        output.Add(new MessageDeltaEvent(new MessageDelta(stopReason), UsageMapper.ToAnthropic(response?.Usage)));
        output.Add(MessageStop);
    }

    private static MessageStartEvent MessageStart(StreamTranslationContext context) => new(new AnthropicMessage
    {
        Id = context.MessageId,
        Model = context.RequestedModel,
        Content = [],
        Usage = UsageMapper.Zero,
    });
}
