using System.Net;
using System.Text.Json.Nodes;
using CodexProxy.Auth;
using CodexProxy.Configuration;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>When the WebSocket is not used, or fails: HTTPS fallbacks, dropped sockets, concurrent turns, and errors
/// that must reach the client exactly as their HTTP twins do.</summary>
public sealed class CodexWebSocketFaultTests
{
    [Fact]
    public async Task UpgradeRefused_FallsBackToHttp_AndDoesNotRetryTheUpgradeEveryTurn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b1", toolTurns: 2);
        upstream.Responder = loop.Answer;

        for (var turn = 0; turn <= loop.ToolTurns; turn++)
        {
            await loop.TurnAsync(proxy, ct);
        }

        Assert.Single(upstream.WebSocketAttempts);
        Assert.Equal(CodexProxy.Codex.CodexWebSocketHandshake.BetaHeaderValue, upstream.WebSocketAttempts[0].Header("openai-beta"));
        Assert.Equal(3, upstream.Requests.Count);
        Assert.Empty(upstream.Rejections);
    }

    [Fact]
    public async Task UpgradeAnswered401_RecoversTheLoginOnce_AndStaysOnTheSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        var credentials = new FixedCodexCredentials("access-token-ws", "acct-ws");
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions { Credentials = credentials }, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000bb", toolTurns: 1);
        upstream.Responder = loop.Answer;
        upstream.RefuseNextUpgrades(401);

        await loop.TurnAsync(proxy, ct);

        Assert.Equal(2, upstream.WebSocketAttempts.Count);
        Assert.Single(upstream.WebSocketTurns);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task UpgradeAnswered401Twice_IsTheSame401AsOverHttp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions { Credentials = new FixedCodexCredentials("access-token-ws", "acct-ws") }, ct);
        upstream.RefuseNextUpgrades(401, 401);

        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000bc").Body()), ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication_error", JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!["type"]!.GetValue<string>());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task TransportHttp_NeverTriesTheUpgrade()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions
        {
            Adjust = options => options with { Transport = CodexTransportMode.Http },
        }, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b2", toolTurns: 1);
        upstream.Responder = loop.Answer;

        await loop.TurnAsync(proxy, ct);
        await loop.TurnAsync(proxy, ct);

        Assert.Empty(upstream.WebSocketAttempts);
        Assert.Equal(2, upstream.Requests.Count);
    }

    [Fact]
    public async Task ModelTheCatalogueDoesNotPreferForWebSockets_GoesOverHttpInAutoMode()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b3", model: "gpt-4.1-private-preview", toolTurns: 1);
        upstream.Responder = loop.Answer;

        await loop.TurnAsync(proxy, ct);

        Assert.Empty(upstream.WebSocketAttempts);
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task SocketDroppedBetweenTurns_NextTurnGoesOutInFullOnANewSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b4", toolTurns: 2);
        upstream.Responder = loop.Answer;
        await loop.TurnAsync(proxy, ct);
        upstream.DropWebSockets();
        await WaitUntilAsync(() => upstream.OpenWebSockets == 0, ct);

        await loop.TurnAsync(proxy, ct);
        await loop.TurnAsync(proxy, ct);

        Assert.Equal(2, upstream.WebSocketAttempts.Count);
        var frames = upstream.WebSocketFrames;
        Assert.False(frames[^2].Json!.Value.TryGetProperty("previous_response_id", out _), "the new socket's backend has no history");
        Assert.True(frames[^1].Json!.Value.TryGetProperty("previous_response_id", out _), "the new socket continues from its own response");
        await CodexWebSocketEndToEndTests.AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, loop.Sent, ct);
    }

    [Fact]
    public async Task SocketDroppedBeforeAnyOutput_IsRetriedTransparently()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b5", toolTurns: 1);
        upstream.Enqueue(ToolLoopConversation.ToolCallTurn(0) with { CutAfterEvents = 1, CutGrace = TimeSpan.FromMilliseconds(50) });
        upstream.Responder = loop.Answer;

        var answer = await loop.TurnAsync(proxy, ct);

        Assert.Equal("tool_use", answer["stop_reason"]!.GetValue<string>());
        Assert.Equal(2, upstream.WebSocketAttempts.Count);
        Assert.Equal(2, upstream.WebSocketTurns.Count);
    }

    [Fact]
    public async Task SocketDroppedAfterOutput_EndsTheStreamWithAnSseErrorEvent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b6", toolTurns: 1);
        upstream.Enqueue(ToolLoopConversation.ToolCallTurn(0) with { CutAfterEvents = 7, CutGrace = TimeSpan.FromMilliseconds(50) });

        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(loop.Body(stream: true)), ct);
        var sse = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Checking file 0.", sse, StringComparison.Ordinal);
        Assert.Contains("event: error", sse, StringComparison.Ordinal);
        Assert.DoesNotContain("event: message_stop", sse, StringComparison.Ordinal);
        Assert.Single(upstream.WebSocketTurns);
    }

    [Fact]
    public async Task ServerErrorFrame_IsRetriedLikeAnHttp5xx_OnANewSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions
        {
            RetryPolicy = new CodexProxy.Codex.UpstreamRetryPolicy(4, TimeSpan.FromMilliseconds(1)),
        }, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000bd", toolTurns: 1);
        upstream.Enqueue(UpstreamErrors.ServerError());
        upstream.Responder = loop.Answer;

        var answer = await loop.TurnAsync(proxy, ct);

        Assert.Equal("tool_use", answer["stop_reason"]!.GetValue<string>());
        Assert.Equal(2, upstream.WebSocketTurns.Count);
        Assert.Equal(2, upstream.WebSocketAttempts.Count);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ConcurrentTurnOfTheSameConversation_GoesOverHttp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b7", toolTurns: 1);
        upstream.Enqueue(ToolLoopConversation.ToolCallTurn(0) with { EventDelay = TimeSpan.FromMilliseconds(100) });
        upstream.Responder = loop.Answer;

        var first = ToolLoopConversation.ReplayAsync(proxy, [loop.Body()], ct);
        await WaitUntilAsync(() => upstream.WebSocketTurns.Count == 1, ct);
        var second = await ToolLoopConversation.ReplayAsync(proxy, [loop.Body()], ct);
        var firstAnswer = await first;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(firstAnswer[0])!["content"], JsonNode.Parse(second[0])!["content"]));
        Assert.Single(upstream.WebSocketTurns);
        Assert.Single(upstream.Requests);
        Assert.Empty(upstream.Rejections);
    }

    [Fact]
    public async Task MoreConversationsThanSockets_TheNewOneGoesOverHttp_AndNoSocketIsTakenAway()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var conversations = Enumerable.Range(0, CodexProxy.Codex.CodexWebSocketPool.DefaultCapacity + 1)
            .Select(i => new ToolLoopConversation($"5d0c2f7e-0000-4000-8000-{i:x12}", toolTurns: 1))
            .ToArray();
        upstream.Responder = conversations[0].Answer; // the answer depends only on the tool results in the request

        for (var turn = 0; turn < 2; turn++)
        {
            foreach (var conversation in conversations)
            {
                await conversation.TurnAsync(proxy, ct);
            }
        }

        var sockets = CodexProxy.Codex.CodexWebSocketPool.DefaultCapacity;
        Assert.Equal(sockets, upstream.WebSocketAttempts.Count); // every kept conversation kept its socket
        Assert.Equal(2 * sockets, upstream.WebSocketTurns.Count);
        Assert.Equal(2, upstream.Requests.Count); // the conversation beyond the sockets, both turns
        Assert.Empty(upstream.Rejections);
    }

    [Fact]
    public async Task UsageLimitErrorFrame_IsAnsweredLikeTheHttp429()
    {
        var ct = TestContext.Current.CancellationToken;
        var resetsAt = DateTimeOffset.UtcNow.AddHours(3);
        var body = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b8").Body();

        var overSocket = await AnswerAsync(webSocket: true);
        var overHttp = await AnswerAsync(webSocket: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, overSocket.Status);
        Assert.Equal(overHttp.Status, overSocket.Status);
        Assert.Equal(JsonNode.Parse(overHttp.Body)!["error"]!["type"]!.GetValue<string>(), JsonNode.Parse(overSocket.Body)!["error"]!["type"]!.GetValue<string>());
        Assert.Contains("usage limit", overSocket.Body, StringComparison.OrdinalIgnoreCase);

        async Task<(HttpStatusCode Status, string Body)> AnswerAsync(bool webSocket)
        {
            await using var upstream = await FakeCodexUpstream.StartAsync(ct);
            upstream.AcceptWebSockets = webSocket;
            await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
            upstream.Enqueue(UpstreamErrors.UsageLimit(resetsAt, DateTimeOffset.UtcNow));
            using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(body), ct);
            Assert.Equal(webSocket ? 1 : 0, upstream.WebSocketTurns.Count);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
    }

    [Fact]
    public async Task SilentSocket_EndsTheTurnAfterTheIdleTimeout_LikeASilentHttpStream()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000ba").Body();

        var overSocket = await AnswerAsync(webSocket: true);
        var overHttp = await AnswerAsync(webSocket: false);

        Assert.Equal(HttpStatusCode.GatewayTimeout, overSocket.Status);
        Assert.Equal(overHttp, overSocket);

        async Task<(HttpStatusCode Status, string? ErrorType)> AnswerAsync(bool webSocket)
        {
            await using var upstream = await FakeCodexUpstream.StartAsync(ct);
            upstream.AcceptWebSockets = webSocket;
            await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions
            {
                Adjust = options => options with { UpstreamIdleTimeout = TimeSpan.FromMilliseconds(500) },
            }, ct);
            upstream.Enqueue(ToolLoopConversation.ToolCallTurn(0) with { StallAfterEvents = 3, StallDuration = TimeSpan.FromSeconds(20) });
            using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(body), ct);
            Assert.Equal(webSocket ? 1 : 0, upstream.WebSocketTurns.Count);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]?["type"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task RateLimitEventOnTheSocket_UpdatesUsageJson()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await CodexWebSocketEndToEndTests.StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000b9", toolTurns: 0);
        var final = ToolLoopConversation.FinalTurn(0);
        var events = final.Events.ToList();
        events.Insert(1, """data: {"type":"codex.rate_limits","plan_type":"plus","rate_limits":{"primary":{"used_percent":64.0,"window_minutes":10080,"reset_at":1767600000},"secondary":{"used_percent":3.0,"window_minutes":300,"reset_at":1767240000}},"metered_limit_name":"codex"}""");
        upstream.Enqueue(final with { Sse = string.Join("\n\n", events) + "\n\n" });

        await loop.TurnAsync(proxy, ct);

        Assert.Single(upstream.WebSocketTurns);
        var usage = new UsageWindowsStore(Path.Combine(proxy.Home, "usage.json"), TimeProvider.System, NullLogger.Instance).TryRead()!;
        Assert.Equal(64, usage.Weekly!.UsedPercent);
        Assert.Equal(3, usage.FiveHour!.UsedPercent);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, ct);
        }

        Assert.True(condition(), "timed out waiting for the fake");
    }
}
