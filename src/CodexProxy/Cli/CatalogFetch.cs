using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodexProxy.Cli;

/// <summary>What one catalogue fetch produced; <see cref="Failure"/> says why it fell back to the built-in table.</summary>
internal sealed record CatalogFetchResult(CatalogSnapshot Snapshot, string? Failure, bool NotLoggedIn);

/// <summary>One fetch through the product's <see cref="ModelCatalog"/>, keeping the reason when it falls back.</summary>
internal static class CatalogFetch
{
    public static Uri ModelsUri(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ModelCatalog.ModelsUri(options);
    }

    public static async Task<CatalogFetchResult> RunAsync(
        HttpClient http, ProxyOptions options, ICodexCredentials credentials, TimeProvider time, CancellationToken cancellationToken)
    {
        // Failures are reported in words on the console, not as log lines.
        using var catalog = new ModelCatalog(http, options, credentials, time, NullLogger<ModelCatalog>.Instance);
        var snapshot = await catalog.GetAsync(cancellationToken);
        return catalog.LastFailure is { } failure && !snapshot.Live
            ? new CatalogFetchResult(snapshot, failure.Reason, failure.NotLoggedIn)
            : new CatalogFetchResult(snapshot, null, NotLoggedIn: false);
    }
}
