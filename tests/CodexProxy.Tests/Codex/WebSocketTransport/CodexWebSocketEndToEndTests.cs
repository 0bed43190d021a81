using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Configuration;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>
/// The WebSocket transport end to end: the real proxy in front of the fake backend, which reconstructs every frame's
/// full model input from its per-socket history. Each incremental turn must give the backend exactly the input a full
/// HTTP request would have carried (the same client bodies replayed through a proxy with <c>CODEX_TRANSPORT=http</c>).
/// </summary>
public sealed class CodexWebSocketEndToEndTests
{
    [Theory]
    [InlineData("gpt-5.5")]
    [InlineData("gpt-6.1-sol")]
    public async Task ToolLoop_SendsOnlyNewItems_AndTheBackendSeesTheFullInput(string model)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000a1", model, toolTurns: 4);
        upstream.Responder = loop.Answer;

        for (var turn = 0; turn <= loop.ToolTurns; turn++)
        {
            await loop.TurnAsync(proxy, ct);
        }

        Assert.Empty(upstream.Rejections);
        Assert.Empty(upstream.Requests);
        Assert.Single(upstream.WebSocketAttempts);
        var frames = upstream.WebSocketFrames;
        Assert.Equal(loop.ToolTurns + 1, frames.Count);
        Assert.False(frames[0].Json!.Value.TryGetProperty("previous_response_id", out _));
        for (var i = 1; i < frames.Count; i++)
        {
            var frame = frames[i].Json!.Value;
            Assert.Equal($"resp_loop_{i - 1}", frame.GetProperty("previous_response_id").GetString());
            // The tool's output and the system reminder after it: nothing the backend already has.
            Assert.Equal(["function_call_output", "message"], frame.GetProperty("input").EnumerateArray().Select(item => item.GetProperty("type").GetString()));
        }

        await AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, loop.Sent, ct);
    }

    [Fact]
    public async Task BackendThatNegotiatesDeflate_GetsCompressedFrames_AndTheSameInputAsHttp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        upstream.DeflateWebSockets = true;
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000a9", "gpt-6.1-sol", toolTurns: 3, resultBytes: 20_000);
        upstream.Responder = loop.Answer;

        for (var turn = 0; turn <= loop.ToolTurns; turn++)
        {
            await loop.TurnAsync(proxy, ct);
        }

        Assert.Empty(upstream.Rejections);
        Assert.Empty(upstream.Requests);
        Assert.StartsWith("permessage-deflate", Assert.Single(upstream.NegotiatedExtensions), StringComparison.Ordinal);
        var frames = upstream.WebSocketFrames;
        Assert.Equal(loop.ToolTurns + 1, frames.Count);
        Assert.All(frames.Skip(1), frame => Assert.True(frame.Json!.Value.TryGetProperty("previous_response_id", out _)));
        await AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, loop.Sent, ct);
    }

    [Theory]
    [InlineData("gpt-5.5")]
    [InlineData("gpt-6.1-sol")]
    public async Task FrameAndHandshake_CarryWhatTheCodexCliSends(string model)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000a2", model, toolTurns: 1);
        upstream.Responder = loop.Answer;
        await loop.TurnAsync(proxy, ct);
        await loop.TurnAsync(proxy, ct);

        var cliHandshake = Golden($"ws-tool-{model}-ws-handshake.json");
        var handshake = upstream.WebSocketAttempts[0];
        Assert.Equal(CodexProxy.Codex.CodexWebSocketHandshake.BetaHeaderValue, handshake.Header("openai-beta"));
        // x-codex-beta-features is not sent on HTTP either (README, "What goes upstream"); host, connection, upgrade
        // and sec-websocket-* come from the WebSocket client and are compared as present.
        var cliHeaders = cliHandshake["headers"]!.AsObject().Select(h => h.Key).Where(name => name != "x-codex-beta-features").Order().ToList();
        Assert.Equal(cliHeaders, handshake.Headers.Keys.Select(k => k.ToLowerInvariant()).Order().ToList());
        Assert.Equal(cliHandshake["headers"]!["sec-websocket-extensions"]!.GetValue<string>(), handshake.Header("sec-websocket-extensions"));

        // The CLI's continuing frame (ws-tool-<model>-3.json) has the same fields, in the same order, as ours.
        var cliFrame = Golden($"ws-tool-{model}-3.json")["body"]!.AsObject();
        var frame = upstream.WebSocketFrames[1].Json!.Value;
        Assert.Equal(cliFrame.Select(p => p.Key), frame.EnumerateObject().Select(p => p.Name));
        Assert.Equal("response.create", frame.GetProperty("type").GetString());
        var metadata = frame.GetProperty("client_metadata").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Contains("x-codex-ws-stream-request-start-ms", metadata);
        Assert.Empty(cliFrame["client_metadata"]!.AsObject().Select(p => p.Key).Except(["guardian_credits_requested"]).Except(metadata));
    }

    public static TheoryData<string> HistoryChanges => ["edited", "rewound", "model", "tools"];

    [Theory]
    [MemberData(nameof(HistoryChanges))]
    public async Task ChangedHistoryOrSettings_GoesOutInFull_AndIsAnsweredFromTheRightHistory(string change)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000a3", toolTurns: 3);
        upstream.Responder = loop.Answer;
        await loop.TurnAsync(proxy, ct);
        await loop.TurnAsync(proxy, ct);

        switch (change)
        {
            case "edited":
                loop.Messages[0] = new JsonObject { ["role"] = "user", ["content"] = "Count the lines of every file, twice." };
                break;
            case "rewound":
                loop.Messages.RemoveAt(loop.Messages.Count - 1);
                loop.Messages.RemoveAt(loop.Messages.Count - 1);
                break;
            case "model":
                loop.Model = "gpt-6.1-sol";
                break;
        }

        var body = loop.Body();
        if (change == "tools")
        {
            var node = JsonNode.Parse(body)!;
            node["tools"]!.AsArray().RemoveAt(1);
            body = node.ToJsonString();
        }

        await ToolLoopConversation.ReplayAsync(proxy, [body], ct);

        Assert.Empty(upstream.Rejections);
        var last = upstream.WebSocketFrames[^1].Json!.Value;
        Assert.False(last.TryGetProperty("previous_response_id", out _), "a changed conversation must not continue the old response");
        await AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, [.. loop.Sent, body], ct);
    }

    [Fact]
    public async Task FailedResponse_NextTurnGoesOutInFull()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000a4", toolTurns: 2);
        upstream.Responder = loop.Answer;
        await loop.TurnAsync(proxy, ct);
        upstream.Enqueue(ToolLoopConversation.Events(
            """{"type":"response.created","response":{"id":"resp_failing","status":"in_progress"}}""",
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_x","type":"message","role":"assistant","content":[]}}""",
            """{"type":"response.output_text.delta","item_id":"msg_x","output_index":0,"content_index":0,"delta":"Partial"}""",
            """{"type":"response.failed","response":{"id":"resp_failing","status":"failed","error":{"code":"server_error","message":"boom"}}}"""));
        using (var failed = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(loop.Body(stream: true)), ct))
        {
            Assert.Contains("event: error", await failed.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        await loop.TurnAsync(proxy, ct);

        var frames = upstream.WebSocketFrames;
        Assert.True(frames[1].Json!.Value.TryGetProperty("previous_response_id", out _));
        Assert.False(frames[2].Json!.Value.TryGetProperty("previous_response_id", out _), "after a failed response the backend's history is unknown");
        Assert.Empty(upstream.Rejections);
    }

    [Fact]
    public async Task PreviousResponseNotFound_IsResentInFullOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("5d0c2f7e-0000-4000-8000-0000000000a5", toolTurns: 2);
        upstream.Responder = loop.Answer;
        await loop.TurnAsync(proxy, ct);
        upstream.ForgetWebSocketResponses();

        await loop.TurnAsync(proxy, ct);

        var frames = upstream.WebSocketFrames;
        Assert.Equal(3, frames.Count);
        Assert.Equal("resp_loop_0", frames[1].Json!.Value.GetProperty("previous_response_id").GetString());
        Assert.False(frames[2].Json!.Value.TryGetProperty("previous_response_id", out _));
        Assert.Single(upstream.WebSocketAttempts);
        Assert.Equal(2, upstream.WebSocketTurns.Count);
        await AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, loop.Sent, ct);
    }

    /// <summary>An OpenAI Responses API client that keeps its own history (as the Codex CLI does as a custom provider):
    /// it replays the output items it got, ids and statuses included, and supplies its own <c>prompt_cache_key</c>.
    /// Its replay keeps <c>status</c> and <c>annotations</c>, so it is not byte for byte what the backend produced and
    /// the turn goes out in full today; whichever way it goes, the backend must see what HTTP would carry.</summary>
    [Fact]
    public async Task ResponsesApiToolLoop_OverTheSocket_GivesTheBackendTheSameInputAsHttp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await StartWebSocketUpstreamAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var loop = new ToolLoopConversation("unused", toolTurns: 1);
        upstream.Responder = loop.Answer;
        var input = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Count the lines of file0.txt." });
        string Body() => new JsonObject
        {
            ["model"] = "gpt-5.5",
            ["stream"] = false,
            ["prompt_cache_key"] = "responses-api-thread-1",
            ["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = "function",
                ["name"] = "Bash",
                ["parameters"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["command"] = new JsonObject { ["type"] = "string" } } },
            }),
            ["input"] = input.DeepClone(),
        }.ToJsonString();
        var bodies = new List<string> { Body() };
        var first = JsonNode.Parse((await ToolLoopConversation.ReplayAsync(proxy, [bodies[0]], ct, "/v1/responses"))[0])!;
        foreach (var item in first["output"]!.AsArray())
        {
            input.Add(item!.DeepClone());
        }

        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = "call_0", ["output"] = "3 file0.txt" });
        bodies.Add(Body());
        await ToolLoopConversation.ReplayAsync(proxy, [bodies[1]], ct, "/v1/responses");

        Assert.Empty(upstream.Rejections);
        Assert.Equal(2, upstream.WebSocketTurns.Count);
        await AssertSameModelInputAsHttpAsync(upstream.WebSocketTurns, bodies, ct, "/v1/responses");
    }

    internal static async Task<FakeCodexUpstream> StartWebSocketUpstreamAsync(CancellationToken ct)
    {
        var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.AcceptWebSockets = true;
        return upstream;
    }

    /// <summary>Replays the same client bodies through a proxy on HTTP and compares, turn by turn, the model input the
    /// WebSocket backend reconstructed with the body the HTTP backend received (per-turn metadata aside).</summary>
    internal static async Task<IReadOnlyList<RecordedRequest>> AssertSameModelInputAsHttpAsync(
        IReadOnlyList<RecordedRequest> webSocketTurns, IReadOnlyList<string> bodies, CancellationToken ct, string path = "/v1/messages")
    {
        await using var httpUpstream = await FakeCodexUpstream.StartAsync(ct);
        await using var httpProxy = await ProxyFixture.StartAsync(httpUpstream, new ProxyFixtureOptions
        {
            Adjust = options => options with { Transport = CodexTransportMode.Http },
        }, ct);
        httpUpstream.Responder = request => new ToolLoopConversation("unused").Answer(request);
        await ToolLoopConversation.ReplayAsync(httpProxy, bodies, ct, path);

        var http = httpUpstream.Requests;
        Assert.Equal(http.Count, webSocketTurns.Count);
        for (var i = 0; i < http.Count; i++)
        {
            var expected = WithoutTurnMetadata(http[i]);
            var actual = WithoutTurnMetadata(webSocketTurns[i]);
            Assert.True(JsonNode.DeepEquals(expected, actual), $"turn {i + 1}: the backend's model input differs from the full request\nfull: {expected}\nreconstructed: {actual}");
        }

        return http;
    }

    private static JsonObject WithoutTurnMetadata(RecordedRequest request)
    {
        var body = JsonNode.Parse(request.Body)!.AsObject();
        body.Remove("client_metadata");
        return body;
    }

    private static JsonNode Golden(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "CodexProxy.Tests", "Codex", "CodexCliGolden", name)))!;
}
