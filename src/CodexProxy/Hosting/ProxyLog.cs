namespace CodexProxy.Hosting;

/// <summary>Log messages. Never pass tokens, headers or prompt bodies here.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding model {RequestedModel} as {CodexModel} (stream: {Stream})")]
    public static partial void Forwarding(ILogger logger, string requestedModel, string codexModel, bool stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed with {Status} {ErrorType}")]
    public static partial void RequestFailed(ILogger logger, int status, string errorType, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);
}
