using System.Net.Http.Headers;
using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>
/// Records the rate limits of every upstream answer (429s included: <see cref="RateLimitHeaders"/>) and of every
/// <c>codex.rate_limits</c> stream event (<see cref="RateLimitEvent"/>) in a small state file next to tokens.json,
/// for <c>status</c>. Written only when something other than the time changed, so steady traffic causes no disk churn.
/// </summary>
internal sealed class UsageWindowsStore(string path, TimeProvider time, ILogger logger) : IUpstreamHeadersObserver, IRateLimitEventObserver
{
    private readonly Lock _writeLock = new();
    private UsageSnapshot? _last;
    private byte[]? _lastContent;
    private bool _fileRead;

    public string Path => path;

    /// <summary>The newest windows this process saw, else those in the file (read once): what routing compares.</summary>
    public UsageSnapshot? Latest
    {
        get
        {
            lock (_writeLock)
            {
                if (_last is null && !_fileRead)
                {
                    _fileRead = true;
                    _last = TryRead();
                }

                return _last;
            }
        }
    }

    public void OnResponseHeaders(HttpResponseHeaders headers)
    {
        if (RateLimitHeaders.Parse(headers, time.GetUtcNow()) is { } snapshot)
        {
            lock (_writeLock)
            {
                Write(snapshot);
            }
        }
    }

    public void OnRateLimitEvent(ReadOnlySpan<byte> data)
    {
        lock (_writeLock)
        {
            if (RateLimitEvent.Apply(_last ?? TryRead(), data, time.GetUtcNow()) is { } snapshot)
            {
                Write(snapshot);
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

    private void Write(UsageSnapshot snapshot)
    {
        _last = snapshot;
        var content = JsonSerializer.SerializeToUtf8Bytes(snapshot with { ObservedAt = default }, AuthJsonContext.Default.UsageSnapshot);
        if (_lastContent is not null && content.AsSpan().SequenceEqual(_lastContent))
        {
            return;
        }

        try
        {
            AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(snapshot, AuthJsonContext.Default.UsageSnapshot));
            _lastContent = content;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AuthLog.UsageWriteFailed(logger, path, e);
        }
    }
}
