using CodexProxy.Auth;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>A socket belongs to the login it was opened with: a refreshed access token gets a socket of its own.</summary>
public sealed class CodexWebSocketLoginTests
{
    [Fact]
    public async Task RefreshedAccessToken_OpensANewSocketWithIt_AndTheTurnGoesOutInFull()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        var credentials = new RefreshingCredentials("access-token-1", "acct-ws");
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions { Credentials = credentials }, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000c1", toolTurns: 2);
        upstream.Responder = loop.Answer;

        await loop.TurnAsync(proxy, ct);
        await loop.TurnAsync(proxy, ct);
        credentials.AccessToken = "access-token-2";
        await loop.TurnAsync(proxy, ct);

        Assert.Equal(2, upstream.WebSocketAttempts.Count);
        Assert.Equal("Bearer access-token-1", upstream.WebSocketAttempts[0].Header("authorization"));
        Assert.Equal("Bearer access-token-2", upstream.WebSocketAttempts[1].Header("authorization"));
        var frames = upstream.WebSocketFrames;
        Assert.True(frames[1].Json!.Value.TryGetProperty("previous_response_id", out _), "the same login keeps its socket");
        Assert.False(frames[2].Json!.Value.TryGetProperty("previous_response_id", out _), "the new socket's backend has no history");
        await CodexWebSocketEndToEndTests.AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, loop.Sent, ct);
    }

    /// <summary>A login whose access token the test replaces, as a refresh does.</summary>
    private sealed class RefreshingCredentials(string accessToken, string accountId) : ICodexCredentials
    {
        public string AccessToken { get; set; } = accessToken;

        public bool HasLogin => true;

        public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CodexCredential(AccessToken, accountId));

        public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
            ValueTask.FromResult(rejected);
    }
}
