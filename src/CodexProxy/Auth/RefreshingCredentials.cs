
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

    /// <summary>How long the hot path trusts its last look at tokens.json: a stat per request was a visible share of
    /// the proxy's CPU, and another process's login or refresh is still seen within this time (at once when refreshing).</summary>
    private static readonly TimeSpan FileCheckInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _cacheLock = new();
    private CachedTokens? _cache;
    private DateTimeOffset _noRefreshBefore = DateTimeOffset.MinValue;

    public bool HasLogin => Current(fresh: false) is not null;

    public async ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken)
    {
        var tokens = Current(fresh: false) ?? throw NotLoggedInException.NoTokens();
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
            var current = Current(fresh: true) ?? throw NotLoggedInException.NoTokens();
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
            catch (AuthServerUnavailableException) when (stillValid)
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
    private StoredTokens? Current(bool fresh)
    {
        var now = time.GetTimestamp();
        lock (_cacheLock)
        {
            if (!fresh && _cache is { } recent && time.GetElapsedTime(recent.CheckedAt, now) < FileCheckInterval)
            {
                return recent.Tokens;
            }
        }

        var stamp = FileStamp.Of(store.TokensPath);
        lock (_cacheLock)
        {
            if (_cache is { } cached && cached.Stamp == stamp)
            {
                _cache = cached with { CheckedAt = now };
                return cached.Tokens;
            }
        }

        var tokens = stamp is null ? null : store.Load();
        lock (_cacheLock)
        {
            _cache = new CachedTokens(tokens, stamp, now);
        }

        return tokens;
    }

    private void Remember(StoredTokens tokens)
    {
        var stamp = FileStamp.Of(store.TokensPath);
        lock (_cacheLock)
        {
            _cache = new CachedTokens(tokens, stamp, time.GetTimestamp());
        }
    }

    private static CodexCredential ToCredential(StoredTokens tokens) => new(tokens.AccessToken, tokens.ResolveAccountId());

    private sealed record CachedTokens(StoredTokens? Tokens, FileStamp? Stamp, long CheckedAt);

    private sealed record FileStamp(DateTime LastWriteUtc, long Length)
    {
        public static FileStamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : null;
        }
    }
}
