namespace CodexProxy.Usage;

/// <summary>Usage history log messages; each failure kind is logged once until the history works again.</summary>
internal static partial class UsageLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage history {Path} is locked by another process; requests are served, their history rows are dropped until it is free")]
    public static partial void Locked(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage history {Path} was unreadable (corrupt); moved it aside to {MovedTo} and started a new one")]
    public static partial void MovedAsideCorrupt(ILogger logger, string path, string movedTo, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the usage history {Path}; requests are served, their history rows are dropped until it works")]
    public static partial void WriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The usage history {Path} is written again")]
    public static partial void Recovered(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage history queue is full; {Dropped} request(s) were not recorded")]
    public static partial void QueueFull(ILogger logger, long dropped);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Rows} usage history row(s) older than {Cutoff}")]
    public static partial void Pruned(ILogger logger, int rows, DateTimeOffset cutoff);
}
