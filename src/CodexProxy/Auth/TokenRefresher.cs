
namespace CodexProxy.Auth;

/// <summary>
/// One refresh, safe across processes: under the lock file it re-reads <c>tokens.json</c> (and, for an imported login,
/// the Codex CLI's auth.json) and adopts tokens someone else already rotated instead of spending a dead refresh token.
/// </summary>
internal sealed class TokenRefresher(OAuthClient oauth, TokenStore store, CodexCliAuthFile? codexFile, TimeProvider time, ILogger logger)
{
    /// <summary>Refresh when less than this remains (the official CLI's window).</summary>
    public static readonly TimeSpan RefreshWindow = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public bool NeedsRefresh(StoredTokens tokens) =>
        tokens.ResolveExpiry() is { } expiry && expiry - time.GetUtcNow() < RefreshWindow;

    /// <summary>
    /// Returns tokens newer than <paramref name="staleAccessToken"/>. Throws <see cref="NotLoggedInException"/> when the
    /// login is gone or the refresh token is dead, <see cref="AuthServerUnavailableException"/> when the server failed transiently.
    /// </summary>
    public async Task<StoredTokens> RefreshAsync(string staleAccessToken, CancellationToken cancellationToken)
    {
        using var fileLock = await CrossProcessLock.AcquireAsync(store.LockPath, time, LockTimeout, cancellationToken);
        var current = store.Load() ?? throw NotLoggedInException.NoTokens();
        if (IsUsableReplacement(current, staleAccessToken))
        {
            AuthLog.AdoptedTokensFromDisk(logger);
            return current;
        }

        if (current.IsFromCodexCli && codexFile?.TryRead() is { } cli && cli.RefreshToken != current.RefreshToken)
        {
            // The Codex CLI rotated the shared refresh token itself; ours is dead now, its one is not.
            current = cli with { AdditionalProperties = current.AdditionalProperties };
            store.Save(current);
            if (IsUsableReplacement(current, staleAccessToken))
            {
                AuthLog.AdoptedTokensFromCodexCli(logger);
                return current;
            }
        }

        var expiring = current.ResolveExpiry();
        AuthLog.Refreshing(logger, expiring);
        TokenEndpointResponse response;
        try
        {
            response = await oauth.RefreshAsync(current.RefreshToken, cancellationToken);
        }
        catch (OAuthException e) when (e.Permanent)
        {
            AuthLog.RefreshRejected(logger, e.ErrorCode);
            var reason = e.ErrorCode ?? "rejected by the auth server";
            throw new NotLoggedInException(
                $"Your ChatGPT login could not be refreshed ({reason}). Run `./chatgpt-codex-proxy login` again, then retry.");
        }
        catch (OAuthException e)
        {
            AuthLog.RefreshFailed(logger, e);
            throw new AuthServerUnavailableException($"Could not refresh the ChatGPT login: {e.Message}", e);
        }

        var refreshed = StoredTokens.FromResponse(response, current, time.GetUtcNow(), current.Source);
        store.Save(refreshed);
        var validUntil = refreshed.ResolveExpiry();
        AuthLog.Refreshed(logger, validUntil);
        if (refreshed.IsFromCodexCli && codexFile is not null)
        {
            try
            {
                codexFile.WriteBack(refreshed);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                AuthLog.CodexWriteBackFailed(logger, codexFile.Path, e);
            }
        }

        return refreshed;
    }

    private bool IsUsableReplacement(StoredTokens tokens, string staleAccessToken) =>
        tokens.AccessToken != staleAccessToken && !NeedsRefresh(tokens);
}
