using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Diagnostics;

namespace CodexProxy.Codex;

/// <summary>One upstream call: the open response, its idle-guarded body and the event reader over it (or, over a
/// WebSocket, the reader of one response's frames). Events up to the first output are read ahead
/// (<see cref="Preamble"/>) so a failure there can still be retried.</summary>
internal sealed class UpstreamAttempt : IAsyncDisposable
{
    private static readonly HashSet<string> PreambleTypes = new(StringComparer.Ordinal)
    {
        "response.created", "response.in_progress", "response.queued",
    };

    private readonly HttpResponseMessage? _response;
    private readonly Stream? _body;
    private readonly ActivityGauges _gauges;
    private int _disposed;

    private UpstreamAttempt(
        CodexClient client, CodexRequest request, HttpResponseMessage response, Stream body, CodexAccount? account, ActivityGauges gauges,
        CancellationToken cancellationToken)
    {
        _response = response;
        _body = body;
        _gauges = gauges;
        gauges.UpstreamStreamOpened();
        Events = client.ReadEventsAsync(body, request, cancellationToken, account).GetAsyncEnumerator(cancellationToken);
    }

    private UpstreamAttempt(IAsyncEnumerator<CodexStreamEvent> events, ActivityGauges gauges)
    {
        _gauges = gauges;
        gauges.UpstreamStreamOpened();
        Events = events;
    }

    public IAsyncEnumerator<CodexStreamEvent> Events { get; }

    /// <summary>Events before the first output, plus the first output event itself.</summary>
    public List<CodexStreamEvent> Preamble { get; } = [];

    public static async Task<UpstreamAttempt> OpenAsync(
        CodexClient client, CodexRequest request, TimeSpan idleTimeout, TimeProvider time, ActivityGauges gauges,
        CancellationToken cancellationToken, CodexAccount? account = null)
    {
        var watch = new UpstreamIdleWatch(idleTimeout, time, cancellationToken);
        try
        {
            var response = await client.OpenStreamAsync(request, cancellationToken, watch, account);
            try
            {
                var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                return new UpstreamAttempt(client, request, response, new IdleTimeoutStream(body, watch), account, gauges, cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch
        {
            watch.Dispose();
            throw;
        }
    }

    /// <summary>An attempt over events that do not come from an HTTP body (a WebSocket turn); disposing
    /// <paramref name="events"/> ends the turn.</summary>
    public static UpstreamAttempt FromEvents(IAsyncEnumerator<CodexStreamEvent> events, ActivityGauges gauges) => new(events, gauges);

    /// <summary>Reads until the first event that carries output. A failure event before it is thrown, so the caller
    /// can classify it and retry or answer with a status; a clean end before it is reported as truncation (the
    /// connection closed early, as good as a reset).</summary>
    public async Task ReadPreambleAsync()
    {
        while (await Events.MoveNextAsync())
        {
            var codexEvent = Events.Current;
            if (UpstreamFailureClassifier.ErrorOf(codexEvent) is { } error)
            {
                throw new UpstreamStreamException(error);
            }

            Preamble.Add(codexEvent);
            if (codexEvent.Type is not { } type || !PreambleTypes.Contains(type))
            {
                return;
            }
        }

        throw UpstreamStreamException.Truncated();
    }

    public async ValueTask DisposeAsync()
    {
        // The gauge must come back down exactly once, even if disposal is repeated or a step of it throws.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Events.DisposeAsync();
            if (_body is not null)
            {
                await _body.DisposeAsync();
            }
        }
        finally
        {
            _response?.Dispose();
            _gauges.UpstreamStreamClosed();
        }
    }
}
