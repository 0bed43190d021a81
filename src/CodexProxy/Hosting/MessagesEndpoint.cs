using System.Security.Cryptography;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Translation;
using Microsoft.Extensions.Primitives;

namespace CodexProxy.Hosting;

/// <summary><c>POST /v1/messages</c> (Claude Code always adds <c>?beta=true</c>; query strings are ignored).</summary>
internal static class MessagesEndpoint
{
    public static void MapMessages(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/messages", HandleAsync);

    private static async Task HandleAsync(
        HttpContext http,
        CodexClient codex,
        ProxyOptions options,
        TimeProvider time,
        ILogger<CodexClient> logger)
    {
        var cancellationToken = http.RequestAborted;
        var errors = new ErrorMapper(time);
        var writer = new SseResponseWriter(http.Response, time, errors);
        try
        {
            var request = await RequestBodyReader.ReadAsync<MessagesRequest>(http.Request, AnthropicJsonContext.Default.MessagesRequest, cancellationToken);
            var sessionId = http.Request.Headers["X-Claude-Code-Session-Id"] is { Count: > 0 } header ? header.ToString() : null;
            var mapped = RequestMapper.ToCodexRequest(request, new RequestContext(sessionId, options.Models));
            http.RequestServices.GetRequiredService<ModelAvailability>().EnsureUsable(mapped.Body.Model);
            ProxyLog.Forwarding(logger, mapped.RequestedModel, mapped.Body.Model, request.Stream == true);

            using var upstream = await codex.OpenStreamAsync(mapped.Body, cancellationToken);
            await using var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            var context = new StreamTranslationContext(NewMessageId(), mapped.RequestedModel, mapped.ToolNames);
            var events = StreamTranslator.TranslateAsync(CodexEventReader.ReadAsync(body, cancellationToken), context, cancellationToken);
            events = http.RequestServices.GetRequiredService<TokenCalibration>().ObserveAsync(events, mapped.Body, cancellationToken);
            if (request.Stream == true)
            {
                await writer.WriteAsync(events, cancellationToken);
            }
            else
            {
                var message = await MessageAggregator.AggregateAsync(events, cancellationToken);
                http.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(http.Response.Body, message, AnthropicJsonContext.Default.AnthropicMessage, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
        catch (Exception e) when (!writer.HasStarted && !http.Response.HasStarted)
        {
            var error = errors.Map(e);
            if (error.Status >= 500)
            {
                ProxyLog.RequestFailed(logger, error.Status, error.Type, e);
            }

            await ErrorResults.WriteAsync(http.Response, error, cancellationToken);
        }
    }

    private static string NewMessageId() => $"msg_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}
