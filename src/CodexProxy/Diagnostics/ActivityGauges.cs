namespace CodexProxy.Diagnostics;

/// <summary>What the server is doing right now, for <c>/health</c>: client requests being served and upstream
/// responses held open. Plain interlocked counters, so the hot path pays one atomic add per event.</summary>
internal sealed class ActivityGauges(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private int _requestsInFlight;
    private int _upstreamStreamsOpen;

    public int RequestsInFlight => Volatile.Read(ref _requestsInFlight);

    public int UpstreamStreamsOpen => Volatile.Read(ref _upstreamStreamsOpen);

    public TimeSpan Uptime => time.GetElapsedTime(_started);

    public void RequestStarted() => Interlocked.Increment(ref _requestsInFlight);

    public void RequestEnded() => Interlocked.Decrement(ref _requestsInFlight);

    public void UpstreamStreamOpened() => Interlocked.Increment(ref _upstreamStreamsOpen);

    public void UpstreamStreamClosed() => Interlocked.Decrement(ref _upstreamStreamsOpen);
}
