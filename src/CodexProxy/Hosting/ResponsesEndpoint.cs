using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting.OpenAI;
using CodexProxy.OpenAI;
using CodexProxy.Translation.Responses;

namespace CodexProxy.Hosting;

/// <summary><c>POST /v1/responses</c>: the Responses API, which the Codex backend speaks already; a checked
/// pass-through (<see cref="ResponsesRequestMapper"/>) over the same upstream path as <c>/v1/messages</c>.
/// <c>stream: false</c> is answered by gathering the same stream into one response object.</summary>
internal static class ResponsesEndpoint
{
    public static void MapResponses(this IEndpointRouteBuilder app) => app.MapPost("/v1/responses", HandleAsync);

    private static async Task HandleAsync(
        HttpContext http, CodexUpstream upstream, ProxyOptions options, TimeProvider time, ModelCatalog catalog, ILogger<CodexClient> logger)
    {
        var cancellationToken = http.RequestAborted;
        var errors = new ErrorMapper(time);
        var writer = new OpenAISseWriter<ResponseStreamEvent>(http.Response, time, e => OpenAIFailures.Map(errors, e).Detail, new ResponsesSseFormat());
        try
        {
            var mapped = await ReadAndMapAsync(http, options, catalog, cancellationToken);
            var codexEvents = CodexForwarding.Open(http, upstream, logger, mapped.Body, mapped.RequestedModel, mapped.Stream, cancellationToken);
            var context = new ResponsesStreamContext(ResponseIds.New("resp_"), time.GetUtcNow().ToUnixTimeSeconds(), mapped.Body.Model, mapped.Echo);
            var events = ResponsesStreamTranslator.TranslateAsync(codexEvents, context, cancellationToken);
            if (mapped.Stream)
            {
                await writer.WriteAsync(events, cancellationToken);
                OpenAIFailures.ReportStreamFailure(http, errors, writer.Failure, logger);
                return;
            }

            ResponseObject? response = null;
            await foreach (var item in events.WithCancellation(cancellationToken))
            {
                response = item.Response ?? response;
            }

            http.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(http.Response.Body, response!, OpenAIJsonContext.Default.ResponseObject, cancellationToken);
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
    private static async Task<ResponsesMappedRequest> ReadAndMapAsync(HttpContext http, ProxyOptions options, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        var request = await RequestBodyReader.ReadAsync(http.Request, OpenAIJsonContext.Default.JsonObject, cancellationToken);
        return ResponsesRequestMapper.ToCodexRequest(request, options.Models, await catalog.ForRequestAsync(cancellationToken));
    }
}
