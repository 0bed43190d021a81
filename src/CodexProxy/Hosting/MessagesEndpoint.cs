using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using CodexProxy.Translation.Response;
using CodexProxy.Translation.Tokens;

namespace CodexProxy.Hosting;

/// <summary><c>POST /v1/messages</c> (Claude Code always adds <c>?beta=true</c>; query strings are ignored).</summary>
internal static class MessagesEndpoint
{
    public static void MapMessages(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/messages", HandleAsync);

    private static async Task HandleAsync(
        HttpContext http,
        CodexUpstream upstream,
        ProxyOptions options,
        TimeProvider time,
        ModelCatalog catalog,
        TokenCalibration calibration,
        MessageHistoryParser parser,
        ILogger<CodexClient> logger)
    {
        var cancellationToken = http.RequestAborted;
        var errors = new ErrorMapper(time);
        var writer = new SseResponseWriter(http.Response, time, errors);
        var entry = CodexForwarding.Entry(http);
        MappedRequest? mapped = null;
        CatalogSnapshot? catalogue = null;
        try
        {
            var (read, readCatalogue, stream) = await ReadAndMapAsync(http, parser, options, catalog, logger, cancellationToken);
            (mapped, catalogue) = (read, readCatalogue);
            var context = new StreamTranslationContext(NewMessageId(), mapped.RequestedModel, mapped.ToolNames) { OmitThinkingText = mapped.OmitThinkingText };
            var codexEvents = CodexForwarding.Open(http, upstream, logger, mapped.Body, mapped.RequestedModel, stream, cancellationToken);
            var events = StreamTranslator.TranslateAsync(codexEvents, context, cancellationToken);
            if (stream)
            {
                await writer.WriteAsync(events, cancellationToken);
                if (writer.Failure is { } failure)
                {
                    entry.StreamError = errors.Map(failure).Type;
                    ProxyLog.StreamFailed(logger, entry.StreamError, failure.Message);
                }
            }
            else
            {
                var message = await MessageAggregator.AggregateAsync(events, cancellationToken);
                http.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(http.Response.Body, message, AnthropicJsonContext.Default.AnthropicMessage, cancellationToken);
            }

            if (entry.Usage is { } usage)
            {
                calibration.Record(mapped.Body, usage);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
        catch (Exception e) when (!writer.HasStarted && !http.Response.HasStarted)
        {
            await ErrorResults.WriteFailureAsync(http.Response, errors, WithUsableModels(e, mapped, catalogue), logger, cancellationToken);
        }
    }

    /// <summary>The parsed Anthropic request lives only in this method's state, not in the handler's: a local of the
    /// handler that lives across an await is kept in its state machine until the stream ends, and with many streams
    /// open those graphs are promoted and collected in gen2 (bench/README.md, third pass).</summary>
    private static async Task<(MappedRequest Mapped, CatalogSnapshot Catalogue, bool Stream)> ReadAndMapAsync(
        HttpContext http, MessageHistoryParser parser, ProxyOptions options, ModelCatalog catalog, ILogger logger,
        CancellationToken cancellationToken)
    {
        var request = await RequestBodyReader.ReadAsync(http.Request, parser.Parse, cancellationToken);
        var sessionId = http.Request.Headers["X-Claude-Code-Session-Id"] is { Count: > 0 } header ? header.ToString() : null;
        var catalogue = await catalog.ForRequestAsync(cancellationToken);
        var mapped = ClientRequestMapping.Map(request, new RequestContext(sessionId, options.Models, catalogue), logger);
        var clientBytes = (int)Math.Min(http.Request.ContentLength ?? 0, int.MaxValue);
        var body = mapped.Body with { ClientBodyBytes = clientBytes, EventsReadByTypeOnly = StreamTranslator.EventsReadByTypeOnly };
        return (mapped with { Body = body }, catalogue, request.Stream == true);
    }

    /// <summary>A backend refusal of the model becomes a 400 that keeps the backend's words and lists the models the
    /// account can use (see <see cref="ModelRejection"/>); anything else goes to the error mapper unchanged.</summary>
    private static Exception WithUsableModels(Exception failure, MappedRequest? mapped, CatalogSnapshot? catalogue) =>
        failure is UpstreamHttpException upstream && mapped is not null && catalogue is not null
            && ModelRejection.Describe(upstream.StatusCode, upstream.Body, mapped.Body.Model, catalogue) is { } message
            ? new InvalidRequestException(message)
            : failure;

    private static string NewMessageId() => ResponseIds.New("msg_");
}
