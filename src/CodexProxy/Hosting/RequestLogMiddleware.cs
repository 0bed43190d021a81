using CodexProxy.Auth;
using CodexProxy.Diagnostics;
using CodexProxy.Usage;

namespace CodexProxy.Hosting;

/// <summary>Gives each request an id (the <c>request-id</c> header, as Anthropic sends) and logs one line when it ends:
/// models, status, time to first byte, duration and tokens. Never headers or bodies. A request that went upstream is
/// also queued for the usage history here, where its final status, a failure inside its stream, a client that left and
/// its whole duration are all known, whichever endpoint served it.</summary>
internal sealed class RequestLogMiddleware(
    RequestDelegate next, TimeProvider time, ActivityGauges gauges, UsageHistoryWriter history, ILogger<RequestLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var entry = new RequestLogEntry(ResponseIds.New("req_"));
        http.Features.Set(entry);
        http.Response.Headers["request-id"] = entry.RequestId;
        var started = time.GetTimestamp();
        http.Response.OnStarting(() =>
        {
            entry.FirstByteTimestamp ??= time.GetTimestamp();
            return Task.CompletedTask;
        });
        gauges.RequestStarted();
        try
        {
            await next(http);
        }
        finally
        {
            gauges.RequestEnded();
            Log(http, entry, started);
        }
    }

    private void Log(HttpContext http, RequestLogEntry entry, long started)
    {
        // 499: the client closed the connection before the answer ended (nginx's convention).
        var status = http.RequestAborted.IsCancellationRequested ? 499 : http.Response.StatusCode;
        var path = http.Request.Path.Value ?? "/";
        var firstByteMs = entry.FirstByteTimestamp is { } first ? (long)time.GetElapsedTime(started, first).TotalMilliseconds : -1;
        var durationMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var usage = entry.Usage;
        var (input, output, cacheRead) = (usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0, usage?.CacheReadInputTokens ?? 0);
        // The account is named only when there is a choice of accounts; with one, the line is as it always was.
        if (entry.Account is { } account && http.RequestServices.GetService<AccountPool>()?.HasSeveral == true)
        {
            ProxyLog.RequestCompletedForAccount(logger, entry.RequestId, http.Request.Method, path, entry.RequestedModel ?? "-",
                entry.CodexModel ?? "-", account, status, entry.StreamError ?? "-", firstByteMs, durationMs, input, output, cacheRead);
            return;
        }

        ProxyLog.RequestCompleted(logger, entry.RequestId, http.Request.Method, path, entry.RequestedModel ?? "-",
            entry.CodexModel ?? "-", status, entry.StreamError ?? "-", firstByteMs, durationMs, input, output, cacheRead);
        if (entry.CodexModel is not null)
        {
            history.TryRecord(UsageHistoryEntry.From(entry, path, status, durationMs, time.GetUtcNow()));
        }
    }
}
