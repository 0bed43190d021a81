using System.Net;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>What the proxy sends to the Codex backend, checked end to end: the real proxy in front of the fake backend.</summary>
public sealed class CodexWireEndToEndTests
{
    private const string SessionId = "5d0c2f7e-0000-4000-8000-00000000c0de";
    private const string UserList = """{"role":"user","content":"List the files"}""";
    private const string AssistantCall = """{"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"Bash","input":{"command":"ls"}}]}""";
    private const string ToolResult = """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"a.txt"}]}""";
    private const string AssistantCall2 = """{"role":"assistant","content":[{"type":"tool_use","id":"toolu_02","name":"Bash","input":{"command":"wc -l a.txt"}}]}""";
    private const string ToolResult2 = """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_02","content":"3 a.txt"}]}""";
    private const string AssistantDone = """{"role":"assistant","content":[{"type":"text","text":"a.txt has 3 lines."}]}""";
    private const string UserNext = """{"role":"user","content":"Now delete it"}""";

    [Fact]
    public async Task Request_CarriesTheCliHeadersAndClientMetadata_WithAZstdBody()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        upstream.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));

        await SendAsync(proxy, UserList);

        var request = Assert.Single(upstream.Requests);
        Assert.Empty(upstream.Rejections);
        Assert.Equal("zstd", request.ContentEncoding);
        Assert.True(request.WireBodyLength < request.Body.Length, $"{request.WireBodyLength} compressed vs {request.Body.Length}");
        var body = request.Json!.Value;
        var threadKey = body.GetProperty("prompt_cache_key").GetString()!;
        Assert.StartsWith(SessionId + "-", threadKey, StringComparison.Ordinal);

        Assert.Equal("0.169.0", request.Header("version"));
        Assert.Equal("codex_cli_rs", request.Header("originator"));
        Assert.Matches(@"^codex_cli_rs/0\.169\.0 \(.+; .+\) chatgpt-codex-proxy/\d+\.\d+\.\d+$", request.Header("User-Agent"));
        Assert.Equal(threadKey, request.Header("session-id"));
        Assert.Equal(threadKey, request.Header("thread-id"));
        Assert.Equal(threadKey, request.Header("x-client-request-id"));
        Assert.Equal(threadKey + ":0", request.Header("x-codex-window-id"));
        Assert.Equal("model=gpt-5.5", request.Header("x-codex-routing-hint"));
        Assert.Equal("text/event-stream", request.Header("Accept"));
        Assert.Null(request.Header("OpenAI-Beta"));
        Assert.Null(request.Header("session_id"));
        Assert.Null(request.Header("x-codex-turn-state"));
        Assert.Null(request.Header("cookie"));

        var installationId = (await File.ReadAllTextAsync(Path.Combine(proxy.Home, InstallationId.FileName), ct)).Trim();
        Assert.True(Guid.TryParse(installationId, out _));
        var metadataHeader = request.Header("x-codex-turn-metadata")!;
        using var metadata = JsonDocument.Parse(metadataHeader);
        var turn = metadata.RootElement;
        Assert.Equal(
            [
                "installation_id", "session_id", "thread_id", "agent_name", "turn_id", "window_id", "window_number", "context_window_id",
                "request_kind", "history_initialization", "root_turn_id", "thread_source", "turn_trigger", "sandbox", "sandbox_mode",
                "auto_review_enabled", "node_repl_auto_review_required", "node_repl_disabled", "turn_started_at_unix_ms", "analytics_enabled", "model",
            ],
            turn.EnumerateObject().Select(p => p.Name).Where(n => n != "reasoning_effort"));
        Assert.Equal(installationId, turn.GetProperty("installation_id").GetString());
        Assert.Equal(threadKey, turn.GetProperty("thread_id").GetString());
        Assert.Equal("turn", turn.GetProperty("request_kind").GetString());
        Assert.Equal("gpt-5.5", turn.GetProperty("model").GetString());
        Assert.InRange(turn.GetProperty("turn_started_at_unix_ms").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // client_metadata is the body's last property (the cacheable prefix comes before it) and matches the headers.
        Assert.Equal("client_metadata", body.EnumerateObject().Last().Name);
        var clientMetadata = body.GetProperty("client_metadata");
        Assert.Equal(
            ["session_id", "thread_id", "turn_id", "root_turn_id", "x-codex-installation-id", "x-codex-window-id", "x-codex-turn-metadata", "mcp_attribution"],
            clientMetadata.EnumerateObject().Select(p => p.Name));
        Assert.Equal(metadataHeader, clientMetadata.GetProperty("x-codex-turn-metadata").GetString());
        Assert.Equal(turn.GetProperty("turn_id").GetString(), clientMetadata.GetProperty("turn_id").GetString());
        Assert.Equal(installationId, clientMetadata.GetProperty("x-codex-installation-id").GetString());
    }

    [Fact]
    public async Task RefusedCompression_IsSentAgainUncompressed_AndLaterRequestsStayUncompressed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        upstream.RefuseCompressedBodies = true;
        upstream.Enqueue(UpstreamScenario.Transcript("text-hello.sse"), UpstreamScenario.Transcript("text-hello.sse"));

        await SendAsync(proxy, UserList);
        await SendAsync(proxy, UserList, AssistantDone, UserNext);

        var requests = upstream.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal("zstd", requests[0].ContentEncoding);
        Assert.Null(requests[1].ContentEncoding);
        Assert.Null(requests[2].ContentEncoding);
        // The compressed body decodes to exactly the bytes sent uncompressed.
        Assert.Equal(requests[1].Body, requests[0].Body);
        Assert.Equal(requests[1].Body.Length, requests[1].WireBodyLength);
    }

    [Fact]
    public async Task TurnState_IsEchoedWithinAToolLoop_AndNotIntoTheNextTurn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        // Like the backend: a turn's first request gets a fresh token, later ones keep the one they echo.
        upstream.TurnState = request => request.Header("x-codex-turn-state") ?? $"ts-{request.Number}";
        upstream.Responder = _ => UpstreamScenario.Transcript("text-hello.sse");

        await SendAsync(proxy, UserList);
        await SendAsync(proxy, UserList, AssistantCall, ToolResult);
        await SendAsync(proxy, UserList, AssistantCall, ToolResult, AssistantCall2, ToolResult2);
        await SendAsync(proxy, UserList, AssistantCall, ToolResult, AssistantCall2, ToolResult2, AssistantDone, UserNext);

        var requests = upstream.Requests;
        Assert.Empty(upstream.Rejections);
        Assert.Equal([null, "ts-1", "ts-1", null], requests.Select(r => r.Header("x-codex-turn-state")));
        var turnIds = requests.Select(r => r.Json!.Value.GetProperty("client_metadata").GetProperty("turn_id").GetString()).ToList();
        Assert.Equal(turnIds[0], turnIds[1]);
        Assert.Equal(turnIds[0], turnIds[2]);
        Assert.NotEqual(turnIds[0], turnIds[3]);
        Assert.Single(requests.Select(r => r.Header("thread-id")).Distinct());
    }

    [Fact]
    public async Task CloudflareCookies_AreReplayed_OtherCookiesAreNot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        upstream.SetCookies = ["__cf_bm=bm.value-1; path=/; Max-Age=1800; HttpOnly; Secure", "_cfuvid=uvid.value-2; path=/; HttpOnly; Secure", "oai-sc=tracker; path=/"];
        upstream.Responder = _ => UpstreamScenario.Transcript("text-hello.sse");

        await SendAsync(proxy, UserList);
        await SendAsync(proxy, UserList, AssistantDone, UserNext);

        var requests = upstream.Requests;
        Assert.Null(requests[0].Header("cookie"));
        Assert.Equal("__cf_bm=bm.value-1; _cfuvid=uvid.value-2", requests[1].Header("cookie"));
    }

    [Fact]
    public async Task RateLimitFamiliesOfA429_AreRecorded_WithTheWeeklyWindowInThePrimarySlotLabelledWeekly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        upstream.Enqueue(new ErrorScenario(429, """{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"free","resets_at":1767600000}}""")
        {
            Headers = new Dictionary<string, string>
            {
                ["x-codex-active-limit"] = "codex",
                ["x-codex-plan-type"] = "free",
                ["x-codex-primary-used-percent"] = "100",
                ["x-codex-primary-window-minutes"] = "10080",
                ["x-codex-primary-reset-at"] = "1767600000",
                ["x-codex-bengalfox-primary-used-percent"] = "40",
                ["x-codex-bengalfox-primary-window-minutes"] = "300",
                ["x-codex-bengalfox-limit-name"] = "gpt-6-astra",
                ["x-codex-credits-has-credits"] = "True",
                ["x-codex-credits-unlimited"] = "False",
                ["x-codex-credits-balance"] = "4.20",
            },
        });

        var status = await SendAsync(proxy, UserList);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        var usage = new UsageWindowsStore(Path.Combine(proxy.Home, "usage.json"), TimeProvider.System, NullLogger.Instance).TryRead()!;
        Assert.Equal("free", usage.PlanType);
        Assert.Null(usage.FiveHour);
        Assert.Equal(100, usage.Weekly!.UsedPercent);
        Assert.Equal("Weekly", usage.FindLimitingWindow()!.Label);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767600000), usage.FindLimitingWindow()!.Window.ResetsAt);
        var other = Assert.Single(usage.OtherLimits!);
        Assert.Equal(("codex_bengalfox", "gpt-6-astra", 40.0), (other.LimitId, other.LimitName, other.Primary!.UsedPercent));
        Assert.Equal("4.20", usage.Credits!.Balance);
    }

    [Fact]
    public async Task RateLimitEventInTheStream_UpdatesUsageJson_AndTheAnswerIsUnaffected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var hello = UpstreamScenario.Transcript("text-hello.sse");
        const string rateLimits = """
            event: codex.rate_limits
            data: {"type":"codex.rate_limits","plan_type":"plus","rate_limits":{"primary":{"used_percent":64.0,"window_minutes":10080,"reset_at":1767600000},"secondary":{"used_percent":3.0,"window_minutes":300,"reset_at":1767240000}},"credits":{"has_credits":false,"unlimited":false,"balance":"0"},"metered_limit_name":"codex"}
            """;
        var events = hello.Events.ToList();
        events.Insert(2, rateLimits);
        upstream.Enqueue(hello with { Sse = string.Join("\n\n", events) + "\n\n" });

        var (status, answer) = await SendForTextAsync(proxy, UserList);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"type\":\"text\"", answer, StringComparison.Ordinal);
        var usage = new UsageWindowsStore(Path.Combine(proxy.Home, "usage.json"), TimeProvider.System, NullLogger.Instance).TryRead()!;
        Assert.Equal(64, usage.Weekly!.UsedPercent);
        Assert.Equal(3, usage.FiveHour!.UsedPercent);
    }

    private static async Task<HttpStatusCode> SendAsync(ProxyFixture proxy, params string[] messages) =>
        (await SendForTextAsync(proxy, messages)).Status;

    private static async Task<(HttpStatusCode Status, string Body)> SendForTextAsync(ProxyFixture proxy, params string[] messages)
    {
        var body = $$$"""
            {
              "model": "gpt-5.5",
              "max_tokens": 1024,
              "stream": false,
              "system": [{"type": "text", "text": "You are a coding assistant in a wire test."}],
              "tools": [{"name": "Bash", "description": "Run a command", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}],
              "messages": [{{{string.Join(",", messages)}}}],
              "metadata": {"user_id": "{\"device_id\":\"d\",\"account_uuid\":\"\",\"session_id\":\"{{{SessionId}}}\"}"}
            }
            """;
        using var response = await proxy.Client.PostAsync("/v1/messages", AnthropicRequests.Json(body), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
