namespace CodexProxy.Codex;

/// <summary>
/// The open sockets, one per conversation and account, and the remembered fallback: after a failed upgrade every turn
/// goes over HTTPS for <see cref="FallbackFor"/> instead of trying the upgrade again each time. Bounded: past
/// <see cref="Capacity"/> the least recently used idle socket is closed.
/// </summary>
internal sealed class CodexWebSocketPool(TimeProvider time, int capacity = CodexWebSocketPool.DefaultCapacity) : IDisposable
{
    public const int DefaultCapacity = 64;

    public static readonly TimeSpan FallbackFor = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CodexWebSocketConnection> _connections = new(StringComparer.Ordinal);
    private DateTimeOffset _httpUntil = DateTimeOffset.MinValue;

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>True while a failed upgrade is remembered.</summary>
    public bool FallbackActive => time.GetUtcNow() < _httpUntil;

    public static string Key(string conversation, string accountKey) => conversation + "\n" + accountKey;

    public void FallBackToHttp() => _httpUntil = time.GetUtcNow() + FallbackFor;

    /// <summary>The conversation's socket when it is still open; a closed one is forgotten.</summary>
    public CodexWebSocketConnection? Find(string key)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(key, out var connection))
            {
                return null;
            }

            if (connection.IsUsable)
            {
                connection.LastUsed = time.GetUtcNow();
                return connection;
            }

            _connections.Remove(key);
        }

        return null;
    }

    public void Add(string key, CodexWebSocketConnection connection)
    {
        var closing = new List<CodexWebSocketConnection>();
        lock (_gate)
        {
            if (_connections.Remove(key, out var previous) && !ReferenceEquals(previous, connection))
            {
                closing.Add(previous);
            }

            _connections[key] = connection;
            while (_connections.Count > capacity
                && _connections.Where(static pair => !pair.Value.IsBusy).OrderBy(static pair => pair.Value.LastUsed).FirstOrDefault() is { Value: not null } oldest)
            {
                _connections.Remove(oldest.Key);
                closing.Add(oldest.Value);
            }
        }

        foreach (var closed in closing)
        {
            closed.Abandon();
        }
    }

    /// <summary>Forgets and closes <paramref name="connection"/> (only if it is still the one kept under <paramref name="key"/>).</summary>
    public void Remove(string key, CodexWebSocketConnection connection)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(key, out var kept) && ReferenceEquals(kept, connection))
            {
                _connections.Remove(key);
            }
        }

        connection.Abandon();
    }

    public void Dispose()
    {
        CodexWebSocketConnection[] all;
        lock (_gate)
        {
            all = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (var connection in all)
        {
            connection.Abandon();
        }
    }
}
