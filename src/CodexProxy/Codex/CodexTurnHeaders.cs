using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// The per-thread and per-turn identity the official CLI sends with every <c>/codex/responses</c> request: the
/// session/thread headers, the window id, the turn metadata (a header and, identically, inside the body's
/// <c>client_metadata</c>), the routing hint and the echoed turn state. Pure functions of the turn.
/// </summary>
internal static class CodexTurnHeaders
{
    public const string TurnStateHeader = "x-codex-turn-state";

    private const string ContextWindowSalt = "context-window:";

    /// <summary>Metadata is written on every request: one scratch buffer and writer per thread, not new ones each time.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadScratch;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadJsonWriter;

    /// <summary>The CLI's window id: the thread and its context-window generation. The proxy never compacts on its
    /// own, so the generation stays 0.</summary>
    public static string WindowId(string threadId) => threadId + ":0";

    /// <summary>The CLI's id of the thread's current context window. The proxy's window never changes within a thread
    /// (a compacted Claude Code conversation has another first message, so another thread), so the id is derived from
    /// the thread key: stable across restarts, and never the thread key itself.</summary>
    public static string ContextWindowId(string threadId)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        var maxNameBytes = ContextWindowSalt.Length + Encoding.UTF8.GetMaxByteCount(threadId.Length);
        var name = maxNameBytes <= 512 ? stackalloc byte[512] : new byte[maxNameBytes];
        var nameLength = Encoding.UTF8.GetBytes(ContextWindowSalt, name);
        nameLength += Encoding.UTF8.GetBytes(threadId, name[nameLength..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(name[..nameLength], hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // RFC 9562 version 8: name-based, custom hash
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>The <c>x-codex-turn-metadata</c> JSON, key for key and in the order the CLI 0.169.0 writes it for a turn
    /// request (see <c>tests/CodexProxy.Tests/Codex/CodexCliGolden</c>). What describes the client is what holds for
    /// the proxy: one root agent per thread, a new history, no Codex sandbox around the tools (Claude Code runs them
    /// itself) and no automatic review, no analytics sent; the node REPL traits are the catalogue's, as the CLI
    /// copies them. Non-ASCII is escaped, so the value is always a valid header.</summary>
    public static string TurnMetadata(CodexTurn turn, string installationId, string model, string? reasoningEffort, CodexModelTraits? traits = null)
    {
        ArgumentNullException.ThrowIfNull(turn);
        traits ??= CodexModelTraits.Default;
        var buffer = _threadScratch ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var json = _threadJsonWriter ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("installation_id", installationId);
        json.WriteString("session_id", turn.ThreadId);
        json.WriteString("thread_id", turn.ThreadId);
        json.WriteString("agent_name", "/root");
        json.WriteString("turn_id", turn.TurnId);
        json.WriteString("window_id", WindowId(turn.ThreadId));
        json.WriteNumber("window_number", 0);
        json.WriteString("context_window_id", ContextWindowId(turn.ThreadId));
        json.WriteString("request_kind", "turn");
        json.WriteString("history_initialization", "new");
        json.WriteString("root_turn_id", turn.TurnId);
        json.WriteString("thread_source", "user");
        json.WriteString("turn_trigger", "exec");
        json.WriteString("sandbox", "none");
        json.WriteString("sandbox_mode", "danger-full-access");
        json.WriteBoolean("auto_review_enabled", false);
        json.WriteBoolean("node_repl_auto_review_required", traits.NodeReplAutoReviewRequired);
        json.WriteBoolean("node_repl_disabled", traits.NodeReplDisabled);
        json.WriteNumber("turn_started_at_unix_ms", turn.StartedAt.ToUnixTimeMilliseconds());
        json.WriteBoolean("analytics_enabled", false);
        json.WriteString("model", model);
        if (reasoningEffort is not null)
        {
            json.WriteString("reasoning_effort", reasoningEffort);
        }

        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static CodexClientMetadata ClientMetadata(CodexTurn turn, string installationId, string turnMetadata) => new()
    {
        SessionId = turn.ThreadId,
        ThreadId = turn.ThreadId,
        TurnId = turn.TurnId,
        RootTurnId = turn.TurnId,
        InstallationId = installationId,
        WindowId = WindowId(turn.ThreadId),
        TurnMetadata = turnMetadata,
    };

    /// <summary>Adds the thread and turn headers. The thread key doubles as session id and client request id, as
    /// in the CLI (where all three are the thread's UUID).</summary>
    public static void Apply(HttpRequestHeaders headers, CodexTurn turn, string turnMetadata, string model)
    {
        headers.TryAddWithoutValidation("session-id", turn.ThreadId);
        headers.TryAddWithoutValidation("thread-id", turn.ThreadId);
        headers.TryAddWithoutValidation("x-client-request-id", turn.ThreadId);
        headers.TryAddWithoutValidation("x-codex-window-id", WindowId(turn.ThreadId));
        headers.TryAddWithoutValidation("x-codex-turn-metadata", turnMetadata);
        if (turn.TurnState is { } state)
        {
            headers.TryAddWithoutValidation(TurnStateHeader, state);
        }

        headers.TryAddWithoutValidation("x-codex-routing-hint", "model=" + CodexClientIdentity.Sanitize(model));
    }

    /// <summary>The thread key for a request: its <c>prompt_cache_key</c> made header-safe, or a fresh id for a
    /// request without one (which is then a turn of its own).</summary>
    public static string ThreadIdOf(CodexRequest request) =>
        request.PromptCacheKey is { Length: > 0 } key ? CodexClientIdentity.Sanitize(key) : RandomUuid.New();

    /// <summary>A request that answers tool calls continues the agent turn that asked for them.</summary>
    public static bool ContinuesTurn(CodexRequest request) => request.Input.Count > 0 && request.Input[^1] is CodexFunctionCallOutputItem;
}
