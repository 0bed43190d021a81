using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>
/// Records the x-codex-* usage windows of every upstream answer (429s included) in a small state file next to
/// tokens.json, for <c>status</c>. Written only when the windows change, so steady traffic causes no disk churn.
/// </summary>
internal sealed class UsageWindowsStore(string path, TimeProvider time, ILogger logger) : IUpstreamHeadersObserver
{
    private readonly Lock _writeLock = new();
    private UsageSnapshot? _lastWritten;

    public string Path => path;

    public void OnResponseHeaders(HttpResponseHeaders headers)
    {
        var snapshot = Parse(headers, time.GetUtcNow());
        if (snapshot is null)
        {
            return;
        }

        lock (_writeLock)
        {
            if (_lastWritten is { } last && last.PlanType == snapshot.PlanType && last.Primary == snapshot.Primary && last.Secondary == snapshot.Secondary)
            {
                return;
            }

            try
            {
                AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(snapshot, AuthJsonContext.Default.UsageSnapshot));
                _lastWritten = snapshot;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                AuthLog.UsageWriteFailed(logger, path, e);
            }
        }
    }

    public UsageSnapshot? TryRead()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), AuthJsonContext.Default.UsageSnapshot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Null when the answer carried no usable window.</summary>
    internal static UsageSnapshot? Parse(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var primary = ParseWindow(headers, "primary", now);
        var secondary = ParseWindow(headers, "secondary", now);
        if (primary is null && secondary is null)
        {
            return null;
        }

        return new UsageSnapshot { ObservedAt = now, PlanType = Get(headers, "x-codex-plan-type"), Primary = primary, Secondary = secondary };
    }

    /// <summary>A window counts only if used-percent parses and something else says it exists (CX's rule).</summary>
    private static UsageWindow? ParseWindow(HttpResponseHeaders headers, string name, DateTimeOffset now)
    {
        if (!double.TryParse(Get(headers, $"x-codex-{name}-used-percent"), NumberStyles.Float, CultureInfo.InvariantCulture, out var used))
        {
            return null;
        }

        int? minutes = int.TryParse(Get(headers, $"x-codex-{name}-window-minutes"), CultureInfo.InvariantCulture, out var m) ? m : null;
        DateTimeOffset? resetsAt =
            long.TryParse(Get(headers, $"x-codex-{name}-reset-at"), CultureInfo.InvariantCulture, out var at) ? DateTimeOffset.FromUnixTimeSeconds(at)
            : long.TryParse(Get(headers, $"x-codex-{name}-reset-after-seconds"), CultureInfo.InvariantCulture, out var after)
                ? DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + after)
            : null;
        if (used <= 0 && minutes is null or <= 0 && resetsAt is null)
        {
            return null;
        }

        return new UsageWindow { UsedPercent = used, WindowMinutes = minutes, ResetsAt = resetsAt };
    }

    private static string? Get(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}
