using System.Runtime.CompilerServices;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.OpenAI;

namespace CodexProxy.Translation.Responses;

/// <param name="FallbackId">The response id when the backend gives none.</param>
/// <param name="CreatedAt">Unix seconds, for <c>created_at</c>.</param>
/// <param name="Model">The model sent upstream, until the backend names it.</param>
internal sealed record ResponsesStreamContext(string FallbackId, long CreatedAt, string Model, ResponseEcho Echo);

/// <summary>
/// Codex events in, Responses API events out, one for one and each as soon as it arrives. Output events are relayed
/// as the backend sent them; the lifecycle events carry a response object rebuilt from the request's settings (the
/// backend's own echoes its instructions, not the client's) with the output items gathered so far, because the
/// backend's <c>response.completed</c> lists none. Failures are thrown, for the HTTP layer to map in one place.
/// </summary>
internal static class ResponsesStreamTranslator
{
    public static async IAsyncEnumerable<ResponseStreamEvent> TranslateAsync(
        IAsyncEnumerable<CodexStreamEvent> upstream,
        ResponsesStreamContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var output = new SortedDictionary<int, JsonElement>();
        var id = context.FallbackId;
        var model = context.Model;
        await foreach (var codexEvent in upstream.WithCancellation(cancellationToken))
        {
            var type = codexEvent.Type;
            switch (type)
            {
                case null:
                    continue;
                case "response.failed":
                    throw new UpstreamStreamException(codexEvent.Response?.Error ?? new CodexError { Code = "response_failed", Message = "The Codex response failed." });
                case "error":
                    throw new UpstreamStreamException(codexEvent.Error ?? new CodexError { Code = codexEvent.Code ?? "stream_error", Message = codexEvent.Message });
                case "response.created" or "response.in_progress" or "response.queued" or "response.completed" or "response.incomplete":
                    id = codexEvent.Response?.Id ?? id;
                    model = codexEvent.Response?.Model ?? model;
                    var response = Response(context, id, model, codexEvent.Response, output.Values);
                    var lifecycle = new ResponseLifecycleEvent(type, codexEvent.SequenceNumber ?? 0, response);
                    yield return new ResponseStreamEvent(type, JsonSerializer.SerializeToElement(lifecycle, OpenAIJsonContext.Default.ResponseLifecycleEvent), response);
                    if (type is "response.completed" or "response.incomplete")
                    {
                        yield break;
                    }

                    continue;
                case "response.output_item.done" when codexEvent.Item is { } item:
                    output[codexEvent.OutputIndex ?? output.Count] = JsonSerializer.SerializeToElement(item, CodexJsonContext.Default.CodexOutputItem);
                    break;
            }

            yield return new ResponseStreamEvent(type, JsonSerializer.SerializeToElement(codexEvent, CodexJsonContext.Default.CodexStreamEvent));
        }

        throw UpstreamStreamException.Truncated();
    }

    /// <summary>The response object of a lifecycle event; also the non-streaming answer.</summary>
    public static ResponseObject Response(ResponsesStreamContext context, string id, string model, CodexResponse? upstream, IEnumerable<JsonElement> output)
    {
        var echo = context.Echo;
        return new ResponseObject
        {
            Id = id,
            CreatedAt = context.CreatedAt,
            Status = upstream?.Status ?? "in_progress",
            IncompleteDetails = upstream?.IncompleteDetails is { } details ? new ResponseIncompleteDetails(details.Reason) : null,
            Instructions = echo.Instructions,
            Model = model,
            Output = [.. output],
            ParallelToolCalls = echo.ParallelToolCalls,
            Reasoning = echo.Reasoning,
            Text = echo.Text,
            ToolChoice = echo.ToolChoice ?? AutoChoice,
            Tools = echo.Tools ?? EmptyList,
            Usage = upstream?.Usage is { } usage ? Usage(usage) : null,
            Metadata = echo.Metadata ?? EmptyObject,
        };
    }

    private static ResponseUsage Usage(CodexUsage usage) => new(
        usage.InputTokens,
        new ResponseInputTokensDetails(usage.InputTokensDetails?.CachedTokens ?? 0),
        usage.OutputTokens,
        new ResponseOutputTokensDetails(usage.OutputTokensDetails?.ReasoningTokens ?? 0),
        usage.TotalTokens > 0 ? usage.TotalTokens : usage.InputTokens + usage.OutputTokens);

    private static readonly JsonElement AutoChoice = JsonDocument.Parse("\"auto\"").RootElement.Clone();
    private static readonly JsonElement EmptyList = JsonDocument.Parse("[]").RootElement.Clone();
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
