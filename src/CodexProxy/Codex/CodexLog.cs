namespace CodexProxy.Codex;

/// <summary>Upstream pipeline log messages. Never pass tokens, headers or prompt bodies here.</summary>
internal static partial class CodexLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream attempt failed ({Kind}: {Reason}); retry {Retry} of {MaxRetries} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, int retry, int maxRetries, long delayMs, UpstreamFailureKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backend rejected replayed reasoning (invalid_encrypted_content); retrying without {Count} reasoning item(s)")]
    public static partial void DroppingReasoning(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backend refused where the system prompt was ({Reason}); sending it in {Placement} from now on")]
    public static partial void MovingInstructions(ILogger logger, string placement, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} reached its usage limit (resting until {RestingUntil}); moving the request to account {Next}")]
    public static partial void MovingToAccount(ILogger logger, string account, DateTimeOffset? restingUntil, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Every account ({Count}) reached its usage limit; the first is back at {SoonestReset}")]
    public static partial void EveryAccountLimited(ILogger logger, int count, DateTimeOffset? soonestReset);
}
