namespace CodexProxy.Codex;

/// <summary>WebSocket transport log messages. Never pass tokens, headers or prompt bodies here.</summary>
internal static partial class CodexWebSocketLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Falling back from WebSockets to HTTPS transport ({Reason}); HTTPS for the next {Minutes} minutes")]
    public static partial void FallingBack(ILogger logger, string reason, int minutes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket turn: full request of {Items} input items ({Reason})")]
    public static partial void FullRequest(ILogger logger, int items, FullRequestReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket turn: {NewItems} new of {Items} input items after the previous response")]
    public static partial void IncrementalRequest(ILogger logger, int newItems, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "The backend no longer knew the previous response; sending the whole conversation again")]
    public static partial void PreviousResponseNotFound(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A turn of this conversation is already running on its WebSocket; this one goes over HTTPS")]
    public static partial void ConcurrentTurn(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "All {Capacity} WebSockets are in recent use by other conversations; this turn goes over HTTPS")]
    public static partial void PoolFull(ILogger logger, int capacity);
}
