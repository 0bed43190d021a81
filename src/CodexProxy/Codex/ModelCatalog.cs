using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;

namespace CodexProxy.Codex;

/// <summary>Why a fetch fell back. <see cref="NotLoggedIn"/>: the one cause the user has to fix (log in).</summary>
internal sealed record CatalogFailure(string Reason, bool NotLoggedIn);

/// <summary>
/// The live model catalogue from <c>{CODEX_BASE_URL}/codex/models?client_version=…</c>, fetched with the user's
/// credentials, kept for <see cref="FreshFor"/>, revalidated with its ETag, and refetched early when a
/// <c>/responses</c> answer carries an <c>x-models-etag</c> other than the one it was fetched with (as the official
/// client does). When it cannot be fetched the built-in copy (<see cref="BuiltInCatalog"/>) stands in.
/// </summary>
internal sealed partial class ModelCatalog(
    HttpClient http, ProxyOptions options, ICodexCredentials credentials, TimeProvider time, ILogger<ModelCatalog> logger)
    : IUpstreamHeadersObserver, IDisposable
{
    /// <summary><c>client_version</c> gates which models the backend lists (<c>minimal_client_version</c>): the
    /// Codex CLI version whose protocol the proxy speaks.</summary>
    public const string ClientVersion = CodexClientIdentity.Version;

    /// <summary>The input limit of most current Codex model; used where the catalogue says nothing.</summary>
    public const int DefaultContextWindow = 272_000;

    public const string ModelsEtagHeader = "x-models-etag";

    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    /// <summary>The shared client has no overall timeout (long reasoning streams); a catalogue fetch must not hang.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Uri _modelsUri = ModelsUri(options);
    private CatalogSnapshot? _current;
    private string? _etag;
    private string? _announcedEtag;
    private DateTimeOffset _expires;

    /// <summary>Why the last fetch fell back to the last known or built-in catalogue; null after a successful fetch.</summary>
    public CatalogFailure? LastFailure { get; private set; }

    /// <summary>The catalogue address, with the pinned client version the backend filters by.</summary>
    public static Uri ModelsUri(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Uri($"{options.CodexBaseUrl.AbsoluteUri.TrimEnd('/')}/codex/models?client_version={CodexClientIdentity.Version}");
    }

    /// <summary>The last known catalogue (the built-in one before any fetch), without waiting; starts a refresh when
    /// it is stale.</summary>
    public CatalogSnapshot Current
    {
        get
        {
            if (time.GetUtcNow() >= _expires)
            {
                _ = RefreshInBackgroundAsync();
            }

            return _current ?? BuiltInCatalog.Snapshot;
        }
    }

    /// <summary>For a request: the last known catalogue at once (refreshing it in the background when stale); only
    /// the very first request waits for a fetch.</summary>
    public async ValueTask<CatalogSnapshot> ForRequestAsync(CancellationToken cancellationToken) =>
        _current is not null ? Current : await GetAsync(cancellationToken);

    /// <summary>The catalogue, fetching it if stale; the built-in catalogue when it cannot be fetched.</summary>
    public async Task<CatalogSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } fresh && time.GetUtcNow() < _expires)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is null || time.GetUtcNow() >= _expires)
            {
                await RefreshAsync(cancellationToken);
            }

            return _current ?? BuiltInCatalog.Snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every upstream answer passes by here: a new <c>x-models-etag</c> means the catalogue changed.</summary>
    public void OnResponseHeaders(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.TryGetValues(ModelsEtagHeader, out var values) && values.FirstOrDefault() is { Length: > 0 } etag)
        {
            OnModelsEtag(etag);
        }
    }

    /// <summary>Refetches when <paramref name="etag"/> differs from the catalogue's own; each new value triggers
    /// one refetch only, so a backend whose two tags never agree is not asked on every turn.</summary>
    public void OnModelsEtag(string etag)
    {
        ArgumentNullException.ThrowIfNull(etag);
        var tag = NormalizeEtag(etag);
        if (_current is not { Live: true } || tag == (_etag is null ? null : NormalizeEtag(_etag)) || tag == _announcedEtag)
        {
            return;
        }

        _announcedEtag = tag;
        LogEtagChanged(logger, tag);
        _expires = DateTimeOffset.MinValue;
        _ = RefreshInBackgroundAsync();
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await GetAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing may escape a fire-and-forget task.
            LogFetchFailed(logger, e.Message);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(FetchTimeout, time);
        try
        {
            var credential = await credentials.GetAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, _modelsUri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.AccessToken);
            if (credential.AccountId is { } accountId)
            {
                request.Headers.TryAddWithoutValidation("chatgpt-account-id", accountId);
            }

            request.Headers.TryAddWithoutValidation("originator", CodexClientIdentity.Originator);
            request.Headers.TryAddWithoutValidation("User-Agent", CodexClientIdentity.UserAgent);
            request.Headers.TryAddWithoutValidation("version", CodexClientIdentity.Version);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (_etag is not null && _current is { Live: true })
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", _etag);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotModified && _current is { Live: true })
            {
                _expires = time.GetUtcNow() + FreshFor;
                return;
            }

            if (!response.IsSuccessStatusCode)
            {
                Fail($"HTTP {(int)response.StatusCode}");
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var list = await JsonSerializer.DeserializeAsync(body, CodexModelListJsonContext.Default.CodexModelList, timeout.Token);
            if (list is not { Models.Count: > 0 })
            {
                Fail("empty model list");
                return;
            }

            _current = BuiltInCatalog.FromWire(list, live: true, JwtClaims.TryRead(credential.AccessToken)?.PlanType);
            var etag = response.Headers.ETag?.ToString()
                ?? (response.Headers.TryGetValues(ModelsEtagHeader, out var tags) ? tags.FirstOrDefault() : null);
            _etag = etag;
            _expires = time.GetUtcNow() + FreshFor;
            LastFailure = null;
            LogFetched(logger, _current.Models.Count);
        }
        catch (NotLoggedInException e)
        {
            Fail(e.Message, notLoggedIn: true);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"no answer within {FetchTimeout.TotalSeconds:0} s"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Fail(e.Message);
        }
    }

    /// <summary>Keeps a previously fetched catalogue; otherwise serves the built-in one. Retries soon either way.</summary>
    private void Fail(string reason, bool notLoggedIn = false)
    {
        LastFailure = new CatalogFailure(reason, notLoggedIn);
        LogFetchFailed(logger, reason);
        _current ??= BuiltInCatalog.Snapshot;
        _expires = time.GetUtcNow() + RetryAfterFailure;
    }

    /// <summary><c>W/"abc"</c>, <c>"abc"</c> and <c>abc</c> name the same version.</summary>
    private static string NormalizeEtag(string etag)
    {
        var tag = etag.Trim();
        if (tag.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
        {
            tag = tag[2..];
        }

        return tag.Trim('"');
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Model catalogue fetched: {Count} models")]
    private static partial void LogFetched(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "The backend announced model catalogue version {Etag}; refetching it")]
    private static partial void LogEtagChanged(ILogger logger, string etag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model catalogue unavailable ({Reason}); using the last known or built-in catalogue")]
    private static partial void LogFetchFailed(ILogger logger, string reason);
}
