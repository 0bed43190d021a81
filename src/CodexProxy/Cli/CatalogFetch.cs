using System.Globalization;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Hosting;

namespace CodexProxy.Cli;

/// <summary>What one catalogue fetch produced; <see cref="Failure"/> says why it fell back to the built-in table.</summary>
internal sealed record CatalogFetchResult(CatalogSnapshot Snapshot, string? Failure, bool NotLoggedIn);

/// <summary>One fetch through the product's <see cref="ModelCatalog"/>, keeping the reason when it falls back.</summary>
internal static class CatalogFetch
{
    public static Uri ModelsUri(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Uri($"{options.CodexBaseUrl.AbsoluteUri.TrimEnd('/')}/codex/models");
    }

    public static async Task<CatalogFetchResult> RunAsync(
        HttpClient http, ProxyOptions options, ICodexCredentials credentials, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var observed = new LoginObservingCredentials(credentials);
        var failures = new CatalogFailureRecorder();
        using var catalog = new ModelCatalog(http, options, observed, time, failures);
        var started = time.GetTimestamp();
        var snapshot = await catalog.GetAsync(cancellationToken);
        if (snapshot.Live)
        {
            return new CatalogFetchResult(snapshot, null, NotLoggedIn: false);
        }

        if (observed.NotLoggedIn is { } notLoggedIn)
        {
            return new CatalogFetchResult(snapshot, notLoggedIn.Message, NotLoggedIn: true);
        }

        // The catalogue's own deadline surfaces as a bare "operation was canceled"; say what it means.
        var reason = time.GetElapsedTime(started) >= ModelCatalog.FetchTimeout
            ? string.Create(CultureInfo.InvariantCulture, $"no answer within {ModelCatalog.FetchTimeout.TotalSeconds:0} s")
            : failures.LastFailure ?? "unknown error";
        return new CatalogFetchResult(snapshot, reason, NotLoggedIn: false);
    }
}
