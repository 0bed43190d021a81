namespace CodexProxy.Configuration;

/// <summary><c>CODEX_TRANSPORT</c>: how turns travel to the Codex backend.</summary>
internal enum CodexTransportMode
{
    /// <summary>As the official Codex CLI: a WebSocket per conversation for catalogue models with
    /// <c>prefer_websockets</c>, HTTPS + SSE for the rest and whenever the upgrade fails.</summary>
    Auto,

    /// <summary>Always one HTTPS POST per turn, the whole conversation each time.</summary>
    Http,

    /// <summary>A WebSocket for every model (HTTPS + SSE still when the upgrade fails).</summary>
    WebSocket,
}
