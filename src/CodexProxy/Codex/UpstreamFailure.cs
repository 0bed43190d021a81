namespace CodexProxy.Codex;

/// <summary>What went wrong upstream, in the terms the retry policy and the error mapping act on.</summary>
internal enum UpstreamFailureKind
{
    /// <summary>The backend rejected the login, also after one refresh.</summary>
    Unauthorized,

    /// <summary>No usable login, or the refresh token is dead: only a new login helps.</summary>
    NotLoggedIn,

    /// <summary>The auth server could not refresh the login just now (unreachable, 5xx).</summary>
    AuthServerUnavailable,

    Forbidden,
    NotFound,
    InvalidRequest,

    /// <summary>The conversation no longer fits the model's context window.</summary>
    ContextOverflow,

    /// <summary>A replayed reasoning item could not be verified (another account or model, or corrupted).</summary>
    InvalidEncryptedContent,

    InvalidImage,

    /// <summary>The backend flagged the content (<c>cyber_policy</c>).</summary>
    ContentFlagged,

    /// <summary>The plan's 5-hour or weekly allowance is used up until a known (or unknown) time.</summary>
    UsageLimit,

    /// <summary>The plan does not include Codex at all.</summary>
    UsageNotIncluded,

    /// <summary>No quota or credits left (<c>insufficient_quota</c>).</summary>
    QuotaExhausted,

    /// <summary>A short-term rate limit: seconds, not hours.</summary>
    RateLimited,

    /// <summary>The model is at capacity (<c>server_is_overloaded</c>, <c>slow_down</c>, a plain 503).</summary>
    Overloaded,

    ServerError,

    /// <summary>The backend could not be reached, or the connection broke or closed early.</summary>
    Connection,

    /// <summary>No byte from the backend for the idle timeout.</summary>
    Timeout,

    /// <summary>A failure the backend reported with a code this proxy does not know.</summary>
    Unknown,
}

/// <summary>
/// One upstream failure, classified once by <see cref="UpstreamFailureClassifier"/>: what it is, whether the proxy may
/// send the request again before any output reached the client, and the Anthropic answer it becomes.
/// </summary>
/// <param name="Status">The Anthropic HTTP status (used when no output has been sent yet).</param>
/// <param name="ErrorType">The Anthropic <c>error.type</c>, also for an SSE <c>error</c> event after output started.</param>
/// <param name="Message">For the user; may contain upstream text, so it is redacted where it is sent.</param>
internal sealed record UpstreamFailure(UpstreamFailureKind Kind, int Status, string ErrorType, string Message)
{
    /// <summary>The proxy may send the same request again, provided nothing has reached the client yet.</summary>
    public bool RetryableBeforeOutput { get; init; }

    /// <summary>When a usage allowance comes back, if the backend said.</summary>
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>Sent as <c>retry-after</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Sent as <c>x-should-retry</c> when set: false stops Claude Code's own retries where they cannot help.</summary>
    public bool? ClientShouldRetry { get; init; }
}
