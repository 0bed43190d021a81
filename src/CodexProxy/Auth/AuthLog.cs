namespace CodexProxy.Auth;

/// <summary>Auth log messages. Never pass tokens, codes, verifiers or headers here.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshing the ChatGPT access token (expires {ExpiresAt})")]
    public static partial void Refreshing(ILogger logger, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "ChatGPT access token refreshed; valid until {ExpiresAt}")]
    public static partial void Refreshed(ILogger logger, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another process already refreshed the login; using its tokens")]
    public static partial void AdoptedTokensFromDisk(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Codex CLI refreshed its login; adopting its tokens")]
    public static partial void AdoptedTokensFromCodexCli(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the ChatGPT login failed permanently ({ErrorCode}); the user must log in again")]
    public static partial void RefreshRejected(ILogger logger, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the ChatGPT login failed; will retry later")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was readable by other users; restricted it to the owner (mode 0600/0700)")]
    public static partial void FixedPermissions(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the refreshed login back to {Path}; the Codex CLI may need to log in again")]
    public static partial void CodexWriteBackFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the usage windows in {Path}")]
    public static partial void UsageWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login callback rejected: {Reason}")]
    public static partial void CallbackRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Login callback listening on port {Port}")]
    public static partial void CallbackListening(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revoking the refresh token failed; deleting the local login anyway")]
    public static partial void RevokeFailed(ILogger logger);
}
