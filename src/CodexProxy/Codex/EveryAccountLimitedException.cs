namespace CodexProxy.Codex;

/// <summary>Every account answered (or is known to be resting with) a usage limit; <see cref="Failure"/> names the
/// soonest reset among them and is what the client gets.</summary>
internal sealed class EveryAccountLimitedException(UpstreamFailure failure) : Exception(failure.Message)
{
    public UpstreamFailure Failure { get; } = failure;
}
