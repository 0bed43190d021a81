using System.Runtime.CompilerServices;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation.Request;
using CodexProxy.Translation.Response;

namespace CodexProxy.Hosting;

/// <summary>
/// The per-request step every API endpoint shares once its body is mapped to a Codex request: the request log learns
/// the models, the body is traced at Trace level, and the events come from the
/// one upstream path (<see cref="CodexUpstream"/>: retries, reasoning recovery, idle timeout), with the final usage
/// recorded in the request log. Whatever is added per request later (usage history, account routing) goes here or
/// below, and every API gets it.
/// </summary>
internal static class CodexForwarding
{
    public static IAsyncEnumerable<CodexStreamEvent> Open(
        HttpContext http, CodexUpstream upstream, ILogger logger,
        CodexRequest body, string requestedModel, bool stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(body);
        var entry = Entry(http);
        entry.RequestedModel = requestedModel;
        entry.CodexModel = body.Model;
        entry.Session = body.PromptCacheKey is { Length: > 0 } cacheKey ? SessionKey.SessionOf(cacheKey) : null;
        ProxyLog.Forwarding(logger, requestedModel, body.Model, stream);
        if (logger.IsEnabled(LogLevel.Trace))
        {
            var json = JsonSerializer.Serialize(body, CodexJsonContext.Wire.CodexRequest);
            ProxyLog.RequestBody(logger, entry.RequestId, json);
        }

        return RecordUsage(upstream.StreamAsync(body, cancellationToken, account => entry.Account = account.Value), entry, cancellationToken);
    }

    public static RequestLogEntry Entry(HttpContext http) => http.Features.Get<RequestLogEntry>() ?? new RequestLogEntry("-");

    private static async IAsyncEnumerable<CodexStreamEvent> RecordUsage(
        IAsyncEnumerable<CodexStreamEvent> events, RequestLogEntry entry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var codexEvent in events.WithCancellation(cancellationToken))
        {
            if (codexEvent.Type is "response.completed" or "response.incomplete" && codexEvent.Response?.Usage is { } usage)
            {
                entry.Usage = UsageMapper.ToAnthropic(usage);
                entry.CodexUsage = usage;
            }

            yield return codexEvent;
        }
    }
}
