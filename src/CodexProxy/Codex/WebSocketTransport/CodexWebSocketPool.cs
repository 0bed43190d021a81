namespace CodexProxy.Codex;

/// <summary>
/// The open sockets, one per conversation and account, and the remembered fallback: after a failed upgrade every turn
/// goes over HTTPS for <see cref="FallbackFor"/> instead of trying the upgrade again each time. Bounded: a socket idle
/// for <see cref="IdleFor"/> is closed; at <see cref="Capacity"/> a new conversation gets a socket only in place of one
/// idle for <see cref="ReplaceableAfter"/> (the least recently used), and otherwise goes over HTTPS (see
/// <see cref="HasRoom"/>). Replacing busy conversations' sockets instead cost every turn of every conversation a new
/// socket and a full request once there were more conversations than sockets (bench/README.md, 256 streams).
/// </summary>
internal sealed class CodexWebSocketPool(TimeProvider time, int capacity = CodexWebSocketPool.DefaultCapacity) : IDisposable
{
    public const int DefaultCapacity = 64;

    public static readonly TimeSpan FallbackFor = TimeSpan.FromMinutes(10);

    /// <summary>A conversation left alone this long is probably over; its socket is not kept open for it.</summary>
    public static readonly TimeSpan IdleFor = TimeSpan.FromMinutes(30);

    /// <summary>At capacity, a socket idle this long may be closed for another conversation: its own conversation is
    /// probably waiting on its user, and its next turn opens a new socket.</summary>
    public static readonly TimeSpan ReplaceableAfter = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CodexWebSocketConnection> _connections = new(StringComparer.Ordinal);
    private long _httpUntilTicks;

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
    public bool FallbackActive => time.GetUtcNow().UtcTicks < Volatile.Read(ref _httpUntilTicks);

    public static string Key(string conversation, string accountKey) => conversation + "\n" + accountKey;

    /// <summary>Whether a conversation without a socket may open one now: the pool is below capacity, or holds a
    /// closed socket or one idle for <see cref="ReplaceableAfter"/>.</summary>
    public bool HasRoom()
    {
        lock (_gate)
        {
            return _connections.Count < capacity || ReplaceableLocked(time.GetUtcNow()) is not null;
        }
    }

    public void FallBackToHttp() => Volatile.Write(ref _httpUntilTicks, (time.GetUtcNow() + FallbackFor).UtcTicks);

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

    /// <summary>Keeps <paramref name="connection"/> for the conversation; false (nothing kept) when another turn of it
    /// opened a socket meanwhile, which stays the conversation's socket.</summary>
    public bool TryAdd(string key, CodexWebSocketConnection connection)
    {
        var closing = new List<CodexWebSocketConnection>();
        var added = false;
        lock (_gate)
        {
            if (!_connections.TryGetValue(key, out var kept) || !kept.IsUsable)
            {
                _connections[key] = connection;
                added = true;
            }

            var now = time.GetUtcNow();
            foreach (var (idleKey, idle) in _connections)
            {
                if (!idle.IsBusy && now - idle.LastUsed > IdleFor)
                {
                    _connections.Remove(idleKey);
                    closing.Add(idle);
                }
            }

            while (_connections.Count > capacity && LeastRecentlyUsedIdleLocked() is { } oldest)
            {
                _connections.Remove(oldest.Key);
                closing.Add(oldest.Value);
            }
        }

        foreach (var closed in closing)
        {
            closed.Abandon();
        }

        return added;
    }

    /// <summary>A closed socket, else the least recently used idle one if it has been idle for
    /// <see cref="ReplaceableAfter"/>.</summary>
    private KeyValuePair<string, CodexWebSocketConnection>? ReplaceableLocked(DateTimeOffset now) =>
        LeastRecentlyUsedIdleLocked() is { } oldest && (!oldest.Value.IsUsable || now - oldest.Value.LastUsed >= ReplaceableAfter) ? oldest : null;

    /// <summary>Closed sockets first, then the idle socket used longest ago.</summary>
    private KeyValuePair<string, CodexWebSocketConnection>? LeastRecentlyUsedIdleLocked()
    {
        KeyValuePair<string, CodexWebSocketConnection>? oldest = null;
        foreach (var pair in _connections)
        {
            if (!pair.Value.IsUsable)
            {
                return pair;
            }

            if (!pair.Value.IsBusy && (oldest is not { } known || pair.Value.LastUsed < known.Value.LastUsed))
            {
                oldest = pair;
            }
        }

        return oldest;
    }

    public bool Holds(string key, CodexWebSocketConnection connection)
    {
        lock (_gate)
        {
            return _connections.TryGetValue(key, out var kept) && ReferenceEquals(kept, connection);
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
