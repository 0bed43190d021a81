namespace CodexProxy.Codex;

/// <summary>
/// One upstream attempt's silence timer: restarted before every wait for bytes (headers, then each read).
/// Its <see cref="Token"/> also follows the client's cancellation, so a disconnect aborts the upstream read at once.
/// </summary>
internal sealed class UpstreamIdleWatch : IDisposable
{
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _requestToken;

    public UpstreamIdleWatch(TimeSpan timeout, TimeProvider time, CancellationToken requestToken)
    {
        Timeout = timeout;
        _requestToken = requestToken;
        _idle = new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(requestToken, _idle.Token);
    }

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _linked.Token;

    /// <summary>True when the silence timer, not the client, cancelled the attempt.</summary>
    public bool Expired => _idle.IsCancellationRequested && !_requestToken.IsCancellationRequested;

    /// <summary>Awaits a read started with <see cref="Token"/>, timing the silence only if the read has to wait: one
    /// that buffered bytes already satisfy arms no timer (two timer-queue operations per upstream event before).</summary>
    public async ValueTask<T> WaitAsync<T>(ValueTask<T> read)
    {
        if (read.IsCompleted)
        {
            return await read;
        }

        Restart();
        try
        {
            return await read;
        }
        finally
        {
            Pause();
        }
    }

    public void Restart() => _idle.CancelAfter(Timeout);

    public void Pause() => _idle.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _linked.Dispose();
        _idle.Dispose();
    }
}
