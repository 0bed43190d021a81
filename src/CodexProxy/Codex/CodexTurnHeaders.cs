using System.Buffers;
using System.Net.Http.Headers;
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

    /// <summary>The CLI's window id: the thread and its context-window generation. The proxy never compacts on its
    /// own, so the generation stays 0.</summary>
    public static string WindowId(string threadId) => threadId + ":0";

    /// <summary>The <c>x-codex-turn-metadata</c> JSON, field for field as the CLI writes it for a turn request.
    /// Non-ASCII is escaped, so the value is always a valid header.</summary>
    public static string TurnMetadata(CodexTurn turn, string installationId, string model, string? reasoningEffort)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("installation_id", installationId);
            json.WriteString("session_id", turn.ThreadId);
            json.WriteString("thread_id", turn.ThreadId);
            json.WriteString("turn_id", turn.TurnId);
            json.WriteString("window_id", WindowId(turn.ThreadId));
            json.WriteString("request_kind", "turn");
            json.WriteString("model", model);
            if (reasoningEffort is not null)
            {
                json.WriteString("reasoning_effort", reasoningEffort);
            }

            json.WriteNumber("turn_started_at_unix_ms", turn.StartedAt.ToUnixTimeMilliseconds());
            json.WriteEndObject();
        }

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
        request.PromptCacheKey is { Length: > 0 } key ? CodexClientIdentity.Sanitize(key) : Guid.NewGuid().ToString();

    /// <summary>A request that answers tool calls continues the agent turn that asked for them.</summary>
    public static bool ContinuesTurn(CodexRequest request) => request.Input.Count > 0 && request.Input[^1] is CodexFunctionCallOutputItem;
}
