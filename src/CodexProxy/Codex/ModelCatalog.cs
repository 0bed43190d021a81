using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;

namespace CodexProxy.Codex;

/// <summary>What the catalogue says about one model.</summary>
internal sealed record CatalogModel(string Slug, string DisplayName, int ContextWindow, bool Listed, IReadOnlyList<string>? Plans);

/// <summary>Why a fetch fell back. <see cref="NotLoggedIn"/>: the one cause the user has to fix (log in).</summary>
internal sealed record CatalogFailure(string Reason, bool NotLoggedIn);

/// <summary>One version of the catalogue. <see cref="Live"/> is false for the built-in fallback table.</summary>
internal sealed record CatalogSnapshot(IReadOnlyList<CatalogModel> Models, bool Live, string? PlanType)
{
    public CatalogModel? Find(string slug) => Models.FirstOrDefault(m => m.Slug.Equals(slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>Models the account's plan may use (all, when the plan or the model's plan list is unknown).</summary>
    public IEnumerable<CatalogModel> Usable =>
        Models.Where(m => PlanType is null || m.Plans is null || m.Plans.Contains(PlanType, StringComparer.OrdinalIgnoreCase));
}

/// <summary>
/// The live model catalogue from <c>{CODEX_BASE_URL}/codex/models</c>, fetched with the user's credentials, kept for
/// <see cref="FreshFor"/> and revalidated with its ETag. When it cannot be fetched the built-in table stands in.
/// </summary>
internal sealed partial class ModelCatalog(
    HttpClient http, ProxyOptions options, ICodexCredentials credentials, CatalogSnapshot fallback, TimeProvider time, ILogger<ModelCatalog> logger)
    : IDisposable
{
    /// <summary><c>client_version</c> gates which models the backend lists (<c>minimal_client_version</c>): the
    /// Codex CLI version whose protocol the proxy speaks.</summary>
    public const string ClientVersion = CodexClientIdentity.Version;

    /// <summary>The input limit of every current Codex model; used where the catalogue says nothing.</summary>
    public const int DefaultContextWindow = 272_000;

    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    /// <summary>The shared client has no overall timeout (long reasoning streams); a catalogue fetch must not hang.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Uri _modelsUri = new($"{options.CodexBaseUrl.AbsoluteUri.TrimEnd('/')}/codex/models?client_version={ClientVersion}");
    private CatalogSnapshot? _current;
    private string? _etag;
    private DateTimeOffset _expires;

    /// <summary>Why the last fetch fell back to the last known or built-in table; null after a successful fetch.</summary>
    public CatalogFailure? LastFailure { get; private set; }

    /// <summary>Served when nothing was ever fetched: the composition root hands in the built-in table.</summary>
    public CatalogSnapshot Fallback { get; } = fallback;

    /// <summary>The last successfully fetched catalogue, without waiting; starts a refresh when it is stale.</summary>
    public CatalogSnapshot? LiveOrNull()
    {
        if (time.GetUtcNow() >= _expires)
        {
            _ = RefreshInBackgroundAsync();
        }

        return _current is { Live: true } live ? live : null;
    }

    /// <summary>The catalogue, fetching it if stale; the fallback table when it cannot be fetched.</summary>
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

            return _current ?? Fallback;
        }
        finally
        {
            _gate.Release();
        }
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

            _current = new CatalogSnapshot([.. list.Models.Select(ToCatalogModel)], Live: true, JwtClaims.TryRead(credential.AccessToken)?.PlanType);
            _etag = response.Headers.ETag?.ToString()
                ?? (response.Headers.TryGetValues("X-Models-Etag", out var tags) ? tags.FirstOrDefault() : null);
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

    /// <summary>Keeps a previously fetched catalogue; otherwise serves the fallback. Retries soon either way.</summary>
    private void Fail(string reason, bool notLoggedIn = false)
    {
        LastFailure = new CatalogFailure(reason, notLoggedIn);
        LogFetchFailed(logger, reason);
        _current ??= Fallback;
        _expires = time.GetUtcNow() + RetryAfterFailure;
    }

    public void Dispose() => _gate.Dispose();

    private static CatalogModel ToCatalogModel(CodexModelInfo info) => new(
        info.Slug,
        string.IsNullOrWhiteSpace(info.DisplayName) ? info.Slug : info.DisplayName,
        info.ContextWindow is > 0 and var window ? window : DefaultContextWindow,
        Listed: info.Visibility is null or "list",
        info.AvailableInPlans is { Count: > 0 } plans ? plans : null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model catalogue fetched: {Count} models")]
    private static partial void LogFetched(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model catalogue unavailable ({Reason}); using the last known or built-in table")]
    private static partial void LogFetchFailed(ILogger logger, string reason);
}
