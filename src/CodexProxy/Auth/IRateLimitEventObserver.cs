namespace CodexProxy.Auth;

/// <summary>Sees every <c>codex.rate_limits</c> event of an upstream stream (its raw JSON data), e.g. to record the
/// usage windows it reports.</summary>
internal interface IRateLimitEventObserver
{
    void OnRateLimitEvent(ReadOnlySpan<byte> data);
}
