using System.Text.Json;
using CodexProxy.Codex;
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

        var json = CodexTurnHeaders.TurnMetadata(turn, "inst-1", "gpt-5.5", "high");

        Assert.Equal(
            """{"installation_id":"inst-1","session_id":"thread-1","thread_id":"thread-1","turn_id":"turn-1","window_id":"thread-1:0","request_kind":"turn","model":"gpt-5.5","reasoning_effort":"high","turn_started_at_unix_ms":1767225600123}""",
            json);
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
    }
}
