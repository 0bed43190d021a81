using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class CodexClientIdentityTests
{
    [Fact]
    public void UserAgent_HasTheCliFormat_WithThisProxyInTheTerminalSlot()
    {
        var userAgent = CodexClientIdentity.BuildUserAgent("Debian", "12.0.0", "x86_64", "1.4.2");

        Assert.Equal("codex_cli_rs/0.169.0 (Debian 12.0.0; x86_64) chatgpt-codex-proxy/1.4.2", userAgent);
    }

    [Fact]
    public void UserAgent_NonAsciiBecomesUnderscore()
    {
        Assert.Equal("codex_cli_rs/0.169.0 (D_bian 12.0.0; x86_64) chatgpt-codex-proxy/1.0.0", CodexClientIdentity.BuildUserAgent("Débian", "12.0.0", "x86_64", "1.0.0"));
    }

    [Fact]
    public void ThisMachinesUserAgent_StartsWithTheOriginatorAndVersion_AndNamesTheProxy()
    {
        Assert.Matches(@"^codex_cli_rs/0\.169\.0 \([^;()]+ [0-9.]+; [a-z0-9_]+\) chatgpt-codex-proxy/\d+\.\d+\.\d+$", CodexClientIdentity.UserAgent);
    }

    [Fact]
    public void CatalogueClientVersion_IsTheSameConstant()
    {
        Assert.Equal(CodexClientIdentity.Version, ModelCatalog.ClientVersion);
    }

    [Fact]
    public void TurnMetadata_HasTheCliFieldsInOrder()
    {
        var turn = new CodexTurn("thread-1", "turn-1", DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_123), TurnState: null);

        var json = CodexTurnHeaders.TurnMetadata(turn, "inst-1", "gpt-6.1-sol", "high", new CodexModelTraits(NodeReplAutoReviewRequired: true, NodeReplDisabled: false));

        var window = CodexTurnHeaders.ContextWindowId("thread-1");
        Assert.Equal("ab12bf26-ede2-83f8-a4aa-f9b79b9ea707", window); // the first 16 bytes of SHA-256("context-window:thread-1"), as version 8
        Assert.Equal(
            $$"""{"installation_id":"inst-1","session_id":"thread-1","thread_id":"thread-1","agent_name":"/root","turn_id":"turn-1","window_id":"thread-1:0","window_number":0,"context_window_id":"{{window}}","request_kind":"turn","history_initialization":"new","root_turn_id":"turn-1","thread_source":"user","turn_trigger":"exec","sandbox":"none","sandbox_mode":"danger-full-access","auto_review_enabled":false,"node_repl_auto_review_required":true,"node_repl_disabled":false,"turn_started_at_unix_ms":1767225600123,"analytics_enabled":false,"model":"gpt-6.1-sol","reasoning_effort":"high"}""",
            json);
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
    }

    [Fact]
    public void ContextWindowId_IsAStableUuidOfItsOwnPerThread()
    {
        var window = CodexTurnHeaders.ContextWindowId("5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d-7fbef4539eb89d82");

        Assert.True(Guid.TryParse(window, out var parsed));
        Assert.Equal(8, parsed.Version);
        Assert.Equal(window, CodexTurnHeaders.ContextWindowId("5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d-7fbef4539eb89d82"));
        Assert.NotEqual(window, CodexTurnHeaders.ContextWindowId("5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d-0000000000000000"));
    }
}
