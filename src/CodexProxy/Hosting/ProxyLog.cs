namespace CodexProxy.Hosting;

/// <summary>Log messages. Never pass tokens, headers or prompt bodies here (bodies only through <see cref="RequestBody"/>, at Trace).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Forwarding model {RequestedModel} as {CodexModel} (stream: {Stream})")]
    public static partial void Forwarding(ILogger logger, string requestedModel, string codexModel, bool stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed with {Status} {ErrorType}")]
    public static partial void RequestFailed(ILogger logger, int status, string errorType, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream failed after the response started: {ErrorType} ({Reason})")]
    public static partial void StreamFailed(ILogger logger, string errorType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The request mapper failed on unexpected input; answered 400")]
    public static partial void UnexpectedMappingFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HOST is {Host}, which is not a loopback address, and PROXY_API_KEY is not set: anyone who can reach this machine can use your ChatGPT subscription. Set PROXY_API_KEY or bind 127.0.0.1.")]
    public static partial void ExposedWithoutKey(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "{RequestId} {Method} {Path} model={RequestedModel} sent={CodexModel} status={Status} stream_error={StreamError} ttfb_ms={FirstByteMs} duration_ms={DurationMs} input_tokens={InputTokens} output_tokens={OutputTokens} cache_read_tokens={CacheReadTokens}")]
    public static partial void RequestCompleted(ILogger logger, string requestId, string method, string path, string requestedModel,
        string codexModel, int status, string streamError, long firstByteMs, long durationMs, int inputTokens, int outputTokens, int cacheReadTokens);

    /// <summary>The same line with the account that answered, when the proxy has several.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "{RequestId} {Method} {Path} model={RequestedModel} sent={CodexModel} account={Account} status={Status} stream_error={StreamError} ttfb_ms={FirstByteMs} duration_ms={DurationMs} input_tokens={InputTokens} output_tokens={OutputTokens} cache_read_tokens={CacheReadTokens}")]
    public static partial void RequestCompletedForAccount(ILogger logger, string requestId, string method, string path, string requestedModel,
        string codexModel, string account, int status, string streamError, long firstByteMs, long durationMs, int inputTokens, int outputTokens, int cacheReadTokens);

    [LoggerMessage(Level = LogLevel.Trace, Message = "{RequestId} Codex request body: {Body}")]
    public static partial void RequestBody(ILogger logger, string requestId, string body);
}
