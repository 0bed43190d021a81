using CodexProxy.Anthropic;

namespace CodexProxy.Hosting;

/// <summary>
/// Streams translated events to the client. Each event is flushed before the writer waits for the next one, so
/// nothing is ever held back behind a wait; events that are already available (a burst in one upstream read) go
/// out in one flush, bounded by <see cref="MaxUnflushedBytes"/>. Sends <c>ping</c> after
/// <see cref="PingInterval"/> of silence (Claude Code abandons a stream after 300 s without events).
/// <c>message_start</c> is held back until content begins, so a failure before any output can still be
/// answered with a proper HTTP status; once the 200 is sent, a failure becomes an SSE <c>error</c> event.
/// </summary>
internal sealed class SseResponseWriter(HttpResponse response, TimeProvider time, ErrorMapper errors)
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    /// <summary>A burst larger than this is flushed even though more events are ready.</summary>
    public const int MaxUnflushedBytes = 16 * 1024;

    private readonly List<StreamEvent> _held = [];
    private long _lastWrite = time.GetTimestamp();
    private Task _silence = Task.CompletedTask;
    private Task<bool>? _pending;
    private bool _unflushed;

    public bool HasStarted { get; private set; }

    /// <summary>The failure reported as an <c>error</c> event after the response started, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Exceptions before the response starts propagate (the caller answers with an HTTP error);
    /// exceptions after it are written as an <c>error</c> event. Client cancellation propagates.</summary>
    public async Task WriteAsync(IAsyncEnumerable<StreamEvent> events, CancellationToken cancellationToken)
    {
        // The silence timer gets its own token so it is released the moment the stream ends.
        using var silenceTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        try
        {
            _silence = Task.Delay(PingInterval, time, silenceTimer.Token);
            while (true)
            {
                bool hasEvent;
                try
                {
                    hasEvent = await NextAsync(enumerator.MoveNextAsync(), silenceTimer.Token, cancellationToken);
                }
                catch (Exception e) when (HasStarted && !cancellationToken.IsCancellationRequested)
                {
                    Failure = e;
                    await WriteEventAsync(new ErrorEvent(ToDetail(e)), cancellationToken);
                    await FlushAsync(cancellationToken);
                    return;
                }

                if (!hasEvent)
                {
                    break;
                }

                await OnEventAsync(enumerator.Current, cancellationToken);
            }

            await FlushAsync(cancellationToken);
        }
        finally
        {
            await silenceTimer.CancelAsync();
            if (_pending is { } pending)
            {
                await DrainAsync(pending);
            }

            await enumerator.DisposeAsync();
        }
    }

    /// <summary>Waits for the next event, pinging while the upstream is quiet. Only a real wait races the silence
    /// timer: an event that is already there costs no task and no <see cref="Task.WhenAny(Task[])"/>.</summary>
    private async ValueTask<bool> NextAsync(ValueTask<bool> moveNext, CancellationToken silenceToken, CancellationToken cancellationToken)
    {
        if (moveNext.IsCompleted)
        {
            return await moveNext;
        }

        // Nothing more is ready: deliver what has been written while the upstream read is in flight.
        await FlushAsync(cancellationToken);
        var pending = _pending = moveNext.AsTask();
        while (await Task.WhenAny(pending, _silence) != pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _silence = await OnSilenceAsync(silenceToken);
        }

        var hasEvent = await pending;
        _pending = null;
        return hasEvent;
    }

    /// <summary>An iterator cannot be disposed while a MoveNext is in flight; a failed write leaves one pending
    /// until the request's cancellation reaches the upstream read.</summary>
    private static async Task DrainAsync(Task<bool> pending)
    {
        try
        {
            await pending;
        }
        catch (Exception)
        {
            // Already reported, or the client went away; nothing more to say.
        }
    }

    private ErrorDetail ToDetail(Exception exception)
    {
        var error = errors.Map(exception);
        return new ErrorDetail(error.Type, error.Message);
    }

    private async ValueTask OnEventAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        if (!HasStarted && streamEvent is MessageStartEvent)
        {
            _held.Add(streamEvent);
            return;
        }

        await WriteEventAsync(streamEvent, cancellationToken);
    }

    /// <summary>Pings only after a full interval with no write; otherwise waits out the remainder.
    /// One timer per interval, not one per event.</summary>
    private async Task<Task> OnSilenceAsync(CancellationToken cancellationToken)
    {
        var quiet = time.GetElapsedTime(_lastWrite);
        if (quiet >= PingInterval)
        {
            await WriteEventAsync(PingEvent.Instance, cancellationToken);
            await FlushAsync(cancellationToken);
            quiet = TimeSpan.Zero;
        }

        return Task.Delay(PingInterval - quiet, time, cancellationToken);
    }

    private async ValueTask WriteEventAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        if (!HasStarted)
        {
            HasStarted = true;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            foreach (var held in _held)
            {
                AnthropicSseFormatter.WriteEvent(response.BodyWriter, held);
            }

            _held.Clear();
        }

        var body = response.BodyWriter;
        AnthropicSseFormatter.WriteEvent(body, streamEvent);
        _unflushed = true;
        if (!body.CanGetUnflushedBytes || body.UnflushedBytes >= MaxUnflushedBytes)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_unflushed)
        {
            _unflushed = false;
            await response.BodyWriter.FlushAsync(cancellationToken);
            _lastWrite = time.GetTimestamp();
        }
    }
}
