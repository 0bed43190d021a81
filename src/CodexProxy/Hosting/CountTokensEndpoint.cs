using System.Text.Json.Serialization;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using CodexProxy.Translation.Tokens;

namespace CodexProxy.Hosting;

/// <summary><c>POST /v1/messages/count_tokens</c> (Claude Code adds <c>?beta=true</c>): the o200k count of the request
/// as it would be sent to Codex, scaled by the session's calibration.</summary>
internal static class CountTokensEndpoint
{
    public static void MapCountTokens(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/messages/count_tokens", HandleAsync);

    private static async Task HandleAsync(
        HttpContext http, ProxyOptions options, ModelCatalog catalog, TokenCalibration calibration, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CountTokensEndpoint));
        var cancellationToken = http.RequestAborted;
        try
        {
            var request = await RequestBodyReader.ReadAsync(http.Request, AnthropicJsonContext.Default.MessagesRequest, cancellationToken);
            var header = http.Request.Headers["X-Claude-Code-Session-Id"] is { Count: > 0 } value ? value.ToString() : null;
            var mapped = ClientRequestMapping.Map(request, new RequestContext(header, options.Models, catalog.Current), logger);
            // Linear in the body and cancelled with the request, so a client that leaves stops the work.
            var local = TokenCounter.Count(mapped.Body, cancellationToken);
            var count = await calibration.ApplyAsync(SessionKey.From(header, request.Metadata), local, cancellationToken);
            await TypedResults.Json(new TokenCount(count), CountTokensJsonContext.Default.TokenCount).ExecuteAsync(http);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            await ErrorResults.WriteFailureAsync(http.Response, new ErrorMapper(time), e, logger, cancellationToken);
        }
    }
}

internal sealed record TokenCount([property: JsonPropertyName("input_tokens")] int InputTokens);

[JsonSerializable(typeof(TokenCount))]
internal sealed partial class CountTokensJsonContext : JsonSerializerContext;
