namespace CodexProxy.Codex;

/// <summary>Log messages of the request-building side of the upstream client. Never pass tokens, cookies, headers
/// or bodies here.</summary>
internal static partial class CodexWireLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the installation id to {Path} ({Reason}); using one for this process only")]
    public static partial void InstallationIdNotSaved(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Codex backend refused a zstd-compressed request body (HTTP {Status}); sending request bodies uncompressed from now on")]
    public static partial void CompressionRefused(ILogger logger, int status);
}
