namespace CodexProxy.Auth;

/// <summary>The access token and account id that authorise one upstream call.</summary>
internal sealed record CodexCredential(string AccessToken, string? AccountId);

/// <summary>Supplies upstream credentials; the one place that knows about token files and refresh.</summary>
internal interface ICodexCredentials
{
    /// <summary>True when a login exists (used by <c>/health</c>); does not refresh.</summary>
    bool HasLogin { get; }

    /// <summary>A credential valid for at least the refresh window. Throws <see cref="NotLoggedInException"/>.</summary>
    ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken);

    /// <summary>Called once after the backend rejected <paramref name="rejected"/> with 401; returns a fresh one
    /// or throws <see cref="NotLoggedInException"/>.</summary>
    ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken);
}

/// <summary>No usable login: a 401 telling the user to log in (again).</summary>
internal sealed class NotLoggedInException(string message) : Exception(message)
{
    public static NotLoggedInException NoTokens() =>
        new("Not logged in to ChatGPT. Run `./chatgpt-codex-proxy login`, then retry.");
}
