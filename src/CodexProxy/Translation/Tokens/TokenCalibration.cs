using System.Collections.Concurrent;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation.Request;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// Per-session correction of the local token count. After each upstream answer the real <c>input_tokens</c>
/// (uncached + cached) is compared with the local count of the request that produced it, and later counts for the same
/// session are scaled by real/local. A session keeps only that ratio and a few numbers, never a request: the local
/// count is taken at once, in the background (the answer is already on its way), by one count at a time; a recording
/// that arrives while another count runs is skipped, and the session keeps its previous ratio.
/// </summary>
internal sealed class TokenCalibration
{
    /// <summary>Ratios outside this band mean something other than tokenizer drift (e.g. a different history).</summary>
    public const double MinRatio = 0.5;
    public const double MaxRatio = 2.0;

    /// <summary>A session costs a few dozen bytes, so many are remembered; past this the least recently answered go.</summary>
    public const int MaxSessions = 1024;

    private readonly ConcurrentDictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);
    private long _recordings;
    private int _counting;

    /// <summary>Records the real input size of <paramref name="sent"/>, keyed by its session. Returns at once; the local
    /// count runs in the background, and <see cref="ApplyAsync"/> for the same session waits for it.</summary>
    public void Record(CodexRequest sent, int realInputTokens)
    {
        ArgumentNullException.ThrowIfNull(sent);
        if (sent.PromptCacheKey is not { } key || realInputTokens <= 0 || Volatile.Read(ref _counting) != 0)
        {
            return;
        }

        var session = SessionKey.SessionOf(key);
        if (_sessions.Count >= MaxSessions && !_sessions.ContainsKey(session))
        {
            // Bounded memory: the least recently answered sessions go. Forgetting one only costs accuracy.
            foreach (var stale in _sessions.OrderBy(static s => s.Value.LastRecorded).Take(MaxSessions / 4).ToList())
            {
                _sessions.TryRemove(stale.Key, out _);
            }
        }

        var state = _sessions.GetOrAdd(session, _ => new SessionState());
        lock (state)
        {
            state.LastRecorded = Interlocked.Increment(ref _recordings);
            if (Interlocked.CompareExchange(ref _counting, 1, 0) == 0)
            {
                state.Counting = Task.Run(() => Calibrate(state, sent, realInputTokens));
            }
        }
    }

    /// <summary>Records a finished answer's usage: the backend's input count is uncached plus cached tokens.</summary>
    public void Record(CodexRequest sent, AnthropicUsage usage) => Record(sent, usage.InputTokens + usage.CacheReadInputTokens);

    /// <summary>The real/local ratio for <paramref name="session"/> as known now (1 when nothing was observed).</summary>
    public double RatioFor(string? session)
    {
        if (session is null || !_sessions.TryGetValue(SessionKey.SessionOf(session), out var state))
        {
            return 1.0;
        }

        lock (state)
        {
            return state.Ratio;
        }
    }

    /// <summary>The ratio once a count still running for this session has finished.</summary>
    public async Task<double> RatioForAsync(string? session, CancellationToken cancellationToken)
    {
        if (session is not null && _sessions.TryGetValue(SessionKey.SessionOf(session), out var state))
        {
            Task counting;
            lock (state)
            {
                counting = state.Counting;
            }

            await counting.WaitAsync(cancellationToken);
        }

        return RatioFor(session);
    }

    public async Task<int> ApplyAsync(string? session, int localCount, CancellationToken cancellationToken) =>
        Scale(localCount, await RatioForAsync(session, cancellationToken));

    public int Apply(string? session, int localCount) => Scale(localCount, RatioFor(session));

    private static int Scale(int localCount, double ratio) => (int)Math.Round(localCount * ratio, MidpointRounding.AwayFromZero);

    private void Calibrate(SessionState state, CodexRequest sent, int realInputTokens)
    {
        var local = 0;
        try
        {
            local = TokenCounter.Count(sent);
        }
        finally
        {
            lock (state)
            {
                state.Ratio = local > 0 ? Math.Clamp((double)realInputTokens / local, MinRatio, MaxRatio) : state.Ratio;
                // Drops the finished task, and with it the last reference to the request.
                state.Counting = Task.CompletedTask;
            }

            Volatile.Write(ref _counting, 0);
        }
    }

    private sealed class SessionState
    {
        public double Ratio { get; set; } = 1.0;

        /// <summary>Which recording touched this session last (a counter, not a time: only the order matters).</summary>
        public long LastRecorded { get; set; }

        /// <summary>The local count of the last recorded request, while it runs; it holds that request until done.</summary>
        public Task Counting { get; set; } = Task.CompletedTask;
    }
}
