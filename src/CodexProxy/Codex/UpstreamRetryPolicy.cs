using System.Net.Sockets;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// The one retry policy for upstream calls. Only failures seen before any output reaches the client are retried:
/// connection errors, 502/503/504, and a <c>response.failed</c> of the overload or server-error kind. A usage-limit
/// (or any) 429 is never retried: the backend's answer will not change within seconds.
/// </summary>
/// <param name="MaxRetries">Extra attempts after the first.</param>
/// <param name="BaseDelay">Delay before the first retry; doubles each time, with ±20 % jitter.</param>
internal sealed record UpstreamRetryPolicy(int MaxRetries, TimeSpan BaseDelay)
{
    public static readonly UpstreamRetryPolicy Default = new(3, TimeSpan.FromMilliseconds(250));

    private static readonly HashSet<string> RetryableStreamCodes = new(StringComparer.Ordinal)
    {
        "server_is_overloaded", "slow_down", "overloaded_error", "server_error", "internal_error",
        "internal_server_error", "api_error", "service_unavailable", "stream_truncated",
    };

    public bool ShouldRetry(Exception failure, int retriesDone) => retriesDone < MaxRetries && IsTransient(failure);

    /// <summary>Exponential backoff with jitter, so many clients retrying together do not arrive together.</summary>
    public TimeSpan DelayBefore(int retry) =>
        BaseDelay * Math.Pow(2, retry) * (0.8 + (0.4 * Random.Shared.NextDouble()));

    public static bool IsTransient(Exception failure) => failure switch
    {
        UpstreamConnectionException or AuthServerUnavailableException => true,
        UpstreamHttpException { StatusCode: 502 or 503 or 504 } => true,
        UpstreamStreamException e => IsTransient(e.Error),
        HttpRequestException or IOException or SocketException => true,
        _ => false,
    };

    public static bool IsTransient(CodexError error) =>
        (error.Code ?? error.Type) is { } code && RetryableStreamCodes.Contains(code);

    /// <summary>A replayed reasoning item the backend cannot verify (another account or model, or corrupted).</summary>
    public static bool IsInvalidEncryptedContent(Exception failure) => failure switch
    {
        UpstreamHttpException { StatusCode: 400 } e => e.Body.Contains("invalid_encrypted_content", StringComparison.Ordinal),
        UpstreamStreamException e => e.Error.Code == "invalid_encrypted_content",
        _ => false,
    };
}
