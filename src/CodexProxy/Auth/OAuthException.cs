namespace CodexProxy.Auth;

/// <summary>The OAuth server refused or failed. <see cref="Permanent"/> means the refresh token is dead (log in again).</summary>
internal sealed class OAuthException(string message, bool permanent, string? errorCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    /// <summary>The OAuth <c>error</c> code (e.g. <c>refresh_token_reused</c>) when the server sent one.</summary>
    public string? ErrorCode { get; } = errorCode;
}
