namespace CodexProxy.Codex;

/// <summary>One agent turn of one thread as it stands when a request is sent.</summary>
/// <param name="ThreadId">The conversation's thread key (its <c>prompt_cache_key</c>).</param>
/// <param name="TurnId">A random UUID per turn.</param>
/// <param name="StartedAt">When the turn's first request was sent.</param>
/// <param name="TurnState">The backend's <c>x-codex-turn-state</c> from an earlier answer of this turn, to echo.</param>
internal sealed record CodexTurn(string ThreadId, string TurnId, DateTimeOffset StartedAt, string? TurnState);

/// <summary>
/// Tells which agent turn each request belongs to, and keeps the backend's sticky-routing token
/// (<c>x-codex-turn-state</c>) for the rest of that turn, as the official CLI does. A turn runs from a user message
/// until an answer without tool calls: a request whose last input item is a <c>function_call_output</c> continues
/// its thread's turn; any other request starts a new one (new id, no turn state). A request that repeats the turn's
/// first request (same number of input items: a retry) stays in that turn.
/// In memory only, bounded: the least recently used thread is forgotten past <see cref="Capacity"/>.
/// </summary>
internal sealed class CodexTurnTracker(TimeProvider time, int capacity = CodexTurnTracker.DefaultCapacity)
{
    public const int DefaultCapacity = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _threads = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _threads.Count;
            }
        }
    }

    /// <summary>The turn a request of <paramref name="threadId"/> belongs to; starts one when needed.</summary>
    /// <param name="continuesTurn">True when the request's last input item is a <c>function_call_output</c>.</param>
    /// <param name="inputCount">How many input items the request has (tells a retry from a new user message).</param>
    public CodexTurn Begin(string threadId, bool continuesTurn, int inputCount)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        lock (_gate)
        {
            if (_threads.TryGetValue(threadId, out var node))
            {
                var entry = node.Value;
                if (!continuesTurn && entry.StartInputCount != inputCount)
                {
                    entry = NewEntry(threadId, inputCount);
                    node.Value = entry;
                }

                _recency.Remove(node);
                _recency.AddFirst(node);
                return entry.Turn;
            }

            var created = _recency.AddFirst(NewEntry(threadId, continuesTurn ? -1 : inputCount));
            _threads[threadId] = created;
            while (_threads.Count > capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _threads.Remove(oldest.Value.Turn.ThreadId);
            }

            return created.Value.Turn;
        }
    }

    /// <summary>Keeps the backend's turn state for later requests of the same turn. Ignored when the thread has moved
    /// on to another turn meanwhile (a late answer must not leak into the next turn).</summary>
    public void RecordTurnState(CodexTurn turn, string turnState)
    {
        ArgumentNullException.ThrowIfNull(turn);
        lock (_gate)
        {
            if (_threads.TryGetValue(turn.ThreadId, out var node) && node.Value.Turn.TurnId == turn.TurnId)
            {
                node.Value = node.Value with { Turn = node.Value.Turn with { TurnState = turnState } };
            }
        }
    }

    /// <summary>The thread moved to another account: the old account's routing token must not follow it.</summary>
    public void ForgetTurnState(string threadId)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        lock (_gate)
        {
            if (_threads.TryGetValue(threadId, out var node) && node.Value.Turn.TurnState is not null)
            {
                node.Value = node.Value with { Turn = node.Value.Turn with { TurnState = null } };
            }
        }
    }

    private Entry NewEntry(string threadId, int inputCount) =>
        new(new CodexTurn(threadId, RandomUuid.New(), time.GetUtcNow(), TurnState: null), inputCount);

    /// <param name="StartInputCount">Input items of the request that started the turn; -1 when the proxy first saw
    /// the thread mid-turn (after a restart), so the next non-tool request always starts a new turn.</param>
    private sealed record Entry(CodexTurn Turn, int StartInputCount);
}
