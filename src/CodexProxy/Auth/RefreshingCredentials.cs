using CodexProxy.Codex;

namespace CodexProxy.Auth;

/// <summary>
/// The server's credentials: tokens.json cached in memory (re-read when the file changes), refreshed when fewer than
/// five minutes remain or after an upstream 401. One refresh at a time in this process (semaphore + double check)
/// and across processes (<see cref="TokenRefresher"/>'s lock file).
/// </summary>
internal sealed class RefreshingCredentials(TokenStore store, TokenRefresher refresher, TimeProvider time) : ICodexCredentials, IDisposable
{
    /// <summary>After a transient refresh failure, keep serving the still-valid token this long before trying again.</summary>
    private static readonly TimeSpan TransientBackoff = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _cacheLock = new();
    private CachedTokens? _cache;
    private DateTimeOffset _noRefreshBefore = DateTimeOffset.MinValue;

    public bool HasLogin => Current() is not null;

    public async ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken)
    {
        var tokens = Current() ?? throw NotLoggedInException.NoTokens();
        if (!refresher.NeedsRefresh(tokens))
        {
            return ToCredential(tokens);
        }

        return ToCredential(await RefreshOnceAsync(tokens.AccessToken, afterUnauthorized: false, cancellationToken));
    }

    public async ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
        ToCredential(await RefreshOnceAsync(rejected.AccessToken, afterUnauthorized: true, cancellationToken));

    public void Dispose() => _gate.Dispose();

    private async Task<StoredTokens> RefreshOnceAsync(string staleAccessToken, bool afterUnauthorized, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the gate before us may have refreshed already: then there is nothing left to do.
            var current = Current() ?? throw NotLoggedInException.NoTokens();
            if (current.AccessToken != staleAccessToken && !refresher.NeedsRefresh(current))
            {
                return current;
            }

            var now = time.GetUtcNow();
            var stillValid = !afterUnauthorized && current.ResolveExpiry() > now;
            if (stillValid && now < _noRefreshBefore)
            {
                return current;
            }

            try
            {
                var refreshed = await refresher.RefreshAsync(staleAccessToken, cancellationToken);
                Remember(refreshed);
                return refreshed;
            }
            catch (UpstreamConnectionException) when (stillValid)
            {
                // A network blip must not take down a login that still works for a few minutes.
                _noRefreshBefore = now + TransientBackoff;
                return current;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The tokens on disk, parsed again only when the file changed (another process may have logged in or refreshed).</summary>
    private StoredTokens? Current()
    {
        var stamp = FileStamp.Of(store.TokensPath);
        lock (_cacheLock)
        {
            if (_cache is { } cached && cached.Stamp == stamp)
            {
                return cached.Tokens;
            }
        }

        var tokens = stamp is null ? null : store.Load();
        lock (_cacheLock)
        {
            _cache = new CachedTokens(tokens, stamp);
        }

        return tokens;
    }

    private void Remember(StoredTokens tokens)
    {
        var stamp = FileStamp.Of(store.TokensPath);
        lock (_cacheLock)
        {
            _cache = new CachedTokens(tokens, stamp);
        }
    }

    private static CodexCredential ToCredential(StoredTokens tokens) => new(tokens.AccessToken, tokens.ResolveAccountId());

    private sealed record CachedTokens(StoredTokens? Tokens, FileStamp? Stamp);

    private sealed record FileStamp(DateTime LastWriteUtc, long Length)
    {
        public static FileStamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : null;
        }
    }
}
