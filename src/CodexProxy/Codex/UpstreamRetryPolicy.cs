namespace CodexProxy.Codex;

/// <summary>
/// When the proxy sends a request again, as the official Codex CLI does: only what
/// <see cref="UpstreamFailureClassifier"/> calls retryable (5xx, connection failures, an early close), only before any
/// output reached the client, at most <see cref="MaxRetries"/> times. A 429 of any kind and a model at capacity are
/// never retried here: the first will not change within seconds, and Claude Code paces the second (529) itself.
/// </summary>
/// <param name="MaxRetries">Extra attempts after the first.</param>
/// <param name="BaseDelay">Delay before the first retry; doubles each time, with ±10 % jitter.</param>
internal sealed record UpstreamRetryPolicy(int MaxRetries, TimeSpan BaseDelay)
{
    /// <summary>The official client's transport defaults: 4 retries, 200 ms doubling.</summary>
    public static readonly UpstreamRetryPolicy Default = new(4, TimeSpan.FromMilliseconds(200));

    public bool ShouldRetry(UpstreamFailure failure, int retriesDone) => retriesDone < MaxRetries && failure.RetryableBeforeOutput;

    /// <summary>Exponential backoff with jitter, so many clients retrying together do not arrive together.</summary>
    public TimeSpan DelayBefore(int retry) =>
        BaseDelay * Math.Pow(2, retry) * (0.9 + (0.2 * Random.Shared.NextDouble()));
}
