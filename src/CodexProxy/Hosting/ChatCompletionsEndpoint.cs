using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting.OpenAI;
using CodexProxy.OpenAI;
using CodexProxy.Translation.ChatCompletions;

namespace CodexProxy.Hosting;

/// <summary><c>POST /v1/chat/completions</c>: the Chat Completions API over the same upstream path as
/// <c>/v1/messages</c>, translated both ways by <see cref="ChatRequestMapper"/> and <see cref="ChatStreamTranslator"/>.</summary>
internal static class ChatCompletionsEndpoint
{
    public static void MapChatCompletions(this IEndpointRouteBuilder app) => app.MapPost("/v1/chat/completions", HandleAsync);

    private static async Task HandleAsync(
        HttpContext http, CodexUpstream upstream, ProxyOptions options, TimeProvider time, ModelCatalog catalog, ILogger<CodexClient> logger)
    {
        var cancellationToken = http.RequestAborted;
        var errors = new ErrorMapper(time);
        var writer = new OpenAISseWriter<ChatCompletionChunk>(http.Response, time, e => OpenAIFailures.Map(errors, e).Detail, ChatSseFormat.Instance);
        try
        {
            var mapped = await ReadAndMapAsync(http, options, catalog, cancellationToken);
            var codexEvents = CodexForwarding.Open(http, upstream, logger, mapped.Body, mapped.RequestedModel, mapped.Stream, cancellationToken);
            var context = new ChatStreamContext(ResponseIds.New("chatcmpl-"), time.GetUtcNow().ToUnixTimeSeconds(), mapped.RequestedModel, mapped.IncludeUsage);
            var chunks = ChatStreamTranslator.TranslateAsync(codexEvents, context, cancellationToken);
            if (mapped.Stream)
            {
                await writer.WriteAsync(chunks, cancellationToken);
                OpenAIFailures.ReportStreamFailure(http, errors, writer.Failure, logger);
            }
            else
            {
                var completion = await ChatCompletionAggregator.AggregateAsync(chunks, cancellationToken);
                http.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(http.Response.Body, completion, OpenAIJsonContext.Default.ChatCompletion, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
        catch (Exception e) when (!writer.HasStarted && !http.Response.HasStarted)
        {
            await OpenAIFailures.WriteFailureAsync(http.Response, errors, e, logger, cancellationToken);
        }
    }

    /// <summary>The parsed request lives only in this method's state, not in the handler's, which lasts as long as
    /// the stream (as in <see cref="MessagesEndpoint"/>).</summary>
    private static async Task<ChatMappedRequest> ReadAndMapAsync(HttpContext http, ProxyOptions options, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        var request = await RequestBodyReader.ReadAsync(http.Request, OpenAIJsonContext.Default.ChatCompletionRequest, cancellationToken);
        return ChatRequestMapper.ToCodexRequest(request, options.Models, await catalog.ForRequestAsync(cancellationToken));
    }
}
