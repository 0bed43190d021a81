using System.Collections.Concurrent;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation.Request;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// Per-session correction of the local token count. After each upstream answer the real <c>input_tokens</c>
/// (uncached + cached) is recorded with the request that produced it; the next count for the same session is scaled by
/// real/local of that request. The local count of the observed request is computed lazily, on the next count, so
/// <c>/v1/messages</c> never pays for tokenising.
/// </summary>
internal sealed class TokenCalibration
{
    /// <summary>Ratios outside this band mean something other than tokenizer drift (e.g. a different history).</summary>
    public const double MinRatio = 0.5;
    public const double MaxRatio = 2.0;

    /// <summary>Each session keeps its last request (a whole history, megabytes in a long session) until its next count,
    /// so only the most recent few sessions are remembered: Claude Code counts tokens for the conversation in front of
    /// the user, and a forgotten session merely falls back to the uncalibrated count.</summary>
    private const int MaxSessions = 32;

    private readonly ConcurrentDictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);
    private long _recordings;

    /// <summary>Records the real input size of <paramref name="sent"/>, keyed by its session.</summary>
    public void Record(CodexRequest sent, int realInputTokens)
    {
        ArgumentNullException.ThrowIfNull(sent);
        if (sent.PromptCacheKey is not { } key || realInputTokens <= 0)
        {
            return;
        }

        if (_sessions.Count >= MaxSessions && !_sessions.ContainsKey(SessionKey.SessionOf(key)))
        {
            // Bounded memory: the least recently answered sessions go. Forgetting one only costs accuracy.
            foreach (var stale in _sessions.OrderBy(static s => s.Value.LastRecorded).Take(MaxSessions / 4).ToList())
            {
                _sessions.TryRemove(stale.Key, out _);
            }
        }

        var state = _sessions.GetOrAdd(SessionKey.SessionOf(key), _ => new SessionState());
        lock (state)
        {
            state.Pending = sent;
            state.PendingReal = realInputTokens;
            state.LastRecorded = Interlocked.Increment(ref _recordings);
        }
    }

    /// <summary>The real/local ratio for <paramref name="session"/>, 1 when nothing was observed.</summary>
    public double RatioFor(string? session)
    {
        if (session is null || !_sessions.TryGetValue(SessionKey.SessionOf(session), out var state))
        {
            return 1.0;
        }

        lock (state)
        {
            if (state.Pending is { } pending)
            {
                var local = TokenCounter.Count(pending);
                state.Ratio = local > 0 ? Math.Clamp((double)state.PendingReal / local, MinRatio, MaxRatio) : state.Ratio;
                state.Pending = null;
            }

            return state.Ratio;
        }
    }

    public int Apply(string? session, int localCount) =>
        (int)Math.Round(localCount * RatioFor(session), MidpointRounding.AwayFromZero);

    /// <summary>Records a finished answer's usage: the backend's input count is uncached plus cached tokens.</summary>
    public void Record(CodexRequest sent, AnthropicUsage usage) => Record(sent, usage.InputTokens + usage.CacheReadInputTokens);

    private sealed class SessionState
    {
        public CodexRequest? Pending { get; set; }

        public int PendingReal { get; set; }

        public double Ratio { get; set; } = 1.0;

        /// <summary>Which recording touched this session last (a counter, not a time: only the order matters).</summary>
        public long LastRecorded { get; set; }
    }
}
