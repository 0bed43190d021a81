using System.Runtime.CompilerServices;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.OpenAI;

namespace CodexProxy.Translation.ChatCompletions;

/// <param name="Id">The completion id (<c>chatcmpl-…</c>), the same on every chunk.</param>
/// <param name="Created">Unix seconds, the same on every chunk.</param>
/// <param name="Model">Echoed as <c>model</c>: the name the client asked for.</param>
/// <param name="IncludeUsage">Add the usage chunk (<c>choices: []</c>) before the end, as
/// <c>stream_options.include_usage</c> asks.</param>
internal sealed record ChatStreamContext(string Id, long Created, string Model, bool IncludeUsage);

/// <summary>
/// Codex events in, <c>chat.completion.chunk</c>s out, each as soon as its input arrives: the role chunk at
/// <c>response.created</c>, a content, refusal or tool-call delta per upstream delta, then the finish chunk and the
/// usage chunk. Reasoning is not part of Chat Completions and is not shown. Failures are thrown (the HTTP layer maps
/// them in one place); a stream without a terminal event is reported as truncated.
/// </summary>
internal static class ChatStreamTranslator
{
    public static async IAsyncEnumerable<ChatCompletionChunk> TranslateAsync(
        IAsyncEnumerable<CodexStreamEvent> upstream,
        ChatStreamContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = false;
        var toolIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
        string? lastTextItem = null;
        await foreach (var codexEvent in upstream.WithCancellation(cancellationToken))
        {
            ChatDelta? delta = null;
            switch (codexEvent.Type)
            {
                case "response.output_text.delta" when !string.IsNullOrEmpty(codexEvent.Delta):
                    // Separate messages (a commentary, then the answer) read as paragraphs, not one run-on line.
                    var separator = lastTextItem is not null && lastTextItem != codexEvent.ItemId ? "\n\n" : "";
                    lastTextItem = codexEvent.ItemId;
                    delta = new ChatDelta { Content = separator + codexEvent.Delta };
                    break;
                case "response.refusal.delta" when !string.IsNullOrEmpty(codexEvent.Delta):
                    delta = new ChatDelta { Refusal = codexEvent.Delta };
                    break;
                case "response.output_item.added" when codexEvent.Item is { Type: "function_call", Id: { } itemId } item:
                    var index = toolIndexes.Count;
                    toolIndexes[itemId] = index;
                    delta = ToolCallStart(index, item);
                    break;
                case "response.function_call_arguments.delta" when !string.IsNullOrEmpty(codexEvent.Delta)
                    && codexEvent.ItemId is { } callItem && toolIndexes.TryGetValue(callItem, out var callIndex):
                    delta = new ChatDelta { ToolCalls = [new ChatToolCallDelta(callIndex, new ChatFunctionDelta(codexEvent.Delta))] };
                    break;
                case "response.completed":
                case "response.incomplete":
                    if (!started)
                    {
                        yield return Chunk(context, new ChatDelta { Role = "assistant", Content = "" });
                    }

                    var finish = FinishReason(toolIndexes.Count > 0, codexEvent.Response?.IncompleteDetails?.Reason);
                    yield return Chunk(context, ChatDelta.Empty, finish);
                    if (context.IncludeUsage)
                    {
                        yield return new ChatCompletionChunk(context.Id, context.Created, context.Model, []) { Usage = ChatUsageMapper.ToChat(codexEvent.Response?.Usage) };
                    }

                    // The official client stops reading at the terminal event; so do we.
                    yield break;
                case "response.failed":
                    throw new UpstreamStreamException(codexEvent.Response?.Error ?? new CodexError { Code = "response_failed", Message = "The Codex response failed." });
                case "error":
                    throw new UpstreamStreamException(codexEvent.Error ?? new CodexError { Code = codexEvent.Code ?? "stream_error", Message = codexEvent.Message });
            }

            if (!started && (delta is not null || codexEvent.Type == "response.created"))
            {
                started = true;
                yield return Chunk(context, new ChatDelta { Role = "assistant", Content = "" });
            }

            if (delta is not null)
            {
                yield return Chunk(context, delta);
            }
        }

        throw UpstreamStreamException.Truncated();
    }

    /// <summary><c>length</c> for a response cut at the output limit, <c>content_filter</c> for one the backend
    /// stopped, <c>tool_calls</c> when the model called a tool, else <c>stop</c>.</summary>
    public static string FinishReason(bool calledTools, string? incompleteReason) => incompleteReason switch
    {
        "max_output_tokens" => "length",
        "content_filter" => "content_filter",
        _ when calledTools => "tool_calls",
        _ => "stop",
    };

    private static ChatDelta ToolCallStart(int index, CodexOutputItem item) => new()
    {
        ToolCalls = [new ChatToolCallDelta(index, new ChatFunctionDelta("") { Name = item.Name ?? "" }) { Id = item.CallId ?? item.Id, Type = "function" }],
    };

    private static ChatCompletionChunk Chunk(ChatStreamContext context, ChatDelta delta, string? finishReason = null) =>
        new(context.Id, context.Created, context.Model, [new ChatChunkChoice(0, delta, finishReason)]);
}
