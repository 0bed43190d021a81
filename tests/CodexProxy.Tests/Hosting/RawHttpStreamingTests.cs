using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Plain HttpClient + SseParser against the real proxy and the fake Codex backend.</summary>
public sealed class RawHttpStreamingTests
{
    private const string SessionId = "5d0c2f7e-0000-4000-8000-000000000001";

    [Fact]
    public async Task StreamingText_ArrivesAsAnthropicEventsWithUsage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, AnthropicRequests.Text("Say hello", stream: true), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await AnthropicSseReader.ReadAllAsync(response, ct);
        var names = events.Select(e => e.EventType).Where(n => n != "ping").ToArray();
        Assert.Equal("message_start", names[0]);
        Assert.Equal("content_block_start", names[1]);
        Assert.Equal(["message_delta", "message_stop"], names[^2..]);
        Assert.All(events, e => Assert.Equal(e.EventType, e.DataType));

        var start = events[0].Data.GetProperty("message");
        Assert.Equal(AnthropicRequests.Model, start.GetProperty("model").GetString());
        Assert.Equal("assistant", start.GetProperty("role").GetString());
        Assert.StartsWith("msg_", start.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text", events.First(e => e.EventType == "content_block_start").Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("Hello from Codex.", string.Concat(events.Select(e => e.TextDelta)));
        Assert.True(events.Count(e => e.TextDelta is not null) >= 3, "each upstream delta should become its own text_delta");

        var messageDelta = events.Single(e => e.EventType == "message_delta").Data;
        Assert.Equal("end_turn", messageDelta.GetProperty("delta").GetProperty("stop_reason").GetString());
        var usage = messageDelta.GetProperty("usage");
        Assert.Equal(15, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(200, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(1000, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task NonStreaming_ReturnsOneJsonMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, AnthropicRequests.Text("Say hello", stream: false), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var message = json.RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal(AnthropicRequests.Model, message.GetProperty("model").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        var block = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.Equal("Hello from Codex.", block.GetProperty("text").GetString());
        Assert.Equal(15, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(1000, message.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        // The backend only streams: a non-streaming client call is still a streaming upstream call.
        Assert.True(fake.Requests.Single().Json!.Value.GetProperty("stream").GetBoolean());
        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task UpstreamRequest_CarriesCodexHeadersAndAcceptableBody()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, AnthropicRequests.Text("Say hello", stream: true), ct);
        await response.Content.ReadAsStringAsync(ct);

        var upstream = Assert.Single(fake.Requests);
        Assert.Empty(fake.Rejections);
        Assert.Equal("POST", upstream.Method);
        Assert.Equal("/codex/responses", upstream.Path);
        Assert.Equal($"Bearer {proxy.AccessToken}", upstream.Header("Authorization"));
        Assert.Equal(ProxyFixture.AccountId, upstream.Header("chatgpt-account-id"));
        Assert.Null(upstream.Header("OpenAI-Beta"));
        Assert.Equal("codex_cli_rs", upstream.Header("originator"));
        // prompt_cache_key (and the session header) = session id + the thread hash (see SessionKey).
        Assert.Equal(SessionId, SessionKey.SessionOf(upstream.Header("session-id")!));
        Assert.Contains("text/event-stream", upstream.Header("Accept"), StringComparison.Ordinal);
        Assert.Contains("chatgpt-codex-proxy", upstream.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Null(upstream.Header("x-api-key"));

        var body = upstream.Json!.Value;
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal(["reasoning.encrypted_content"], body.GetProperty("include").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(upstream.Header("session-id"), body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal(AnthropicRequests.Model, body.GetProperty("model").GetString());
        // The system prompt travels as the Codex CLI sends its own: the first developer message, no instructions field.
        Assert.False(body.TryGetProperty("instructions", out _));
        Assert.Contains("helpful assistant", body.GetProperty("input")[0].GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("x-anthropic-billing-header", upstream.BodyText, StringComparison.Ordinal);
        foreach (var dropped in new[] { "temperature", "max_tokens", "max_output_tokens", "metadata", "system", "messages" })
        {
            Assert.False(body.TryGetProperty(dropped, out _), $"{dropped} must not reach the backend");
        }

        var user = Assert.Single(upstream.ItemsOfType("message"), item => item.GetProperty("role").GetString() == "user");
        Assert.Equal("user", user.GetProperty("role").GetString());
        Assert.Equal("Say hello", user.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task SlowUpstream_FirstTextDeltaReachesClientBeforeUpstreamFinishes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse") with { EventDelay = TimeSpan.FromMilliseconds(300) });
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        var clock = Stopwatch.StartNew();
        using var response = await PostAsync(proxy, AnthropicRequests.Text("Say hello", stream: true), ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        TimeSpan? firstDelta = null;
        var upstreamFinishedBeforeFirstDelta = true;
        await foreach (var sseEvent in AnthropicSseReader.ReadAsync(body, ct))
        {
            if (sseEvent.TextDelta is not null && firstDelta is null)
            {
                firstDelta = clock.Elapsed;
                upstreamFinishedBeforeFirstDelta = fake.Requests.Single().ResponseFinished.IsCompleted;
            }
        }

        var total = clock.Elapsed;
        Assert.NotNull(firstDelta);
        Assert.False(upstreamFinishedBeforeFirstDelta, "the proxy buffered the upstream stream");
        // 10 gaps of 300 ms upstream; the first delta is event 5 (about 1.2 s in).
        Assert.True(total - firstDelta.Value > TimeSpan.FromSeconds(1.2), $"first delta at {firstDelta}, end at {total}");
    }

    [Fact]
    public async Task UpstreamFailsAfterStreamingBegan_ErrorEventThenEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-then-failed.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, AnthropicRequests.Text("Say hello", stream: true), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await AnthropicSseReader.ReadAllAsync(response, ct);
        Assert.Equal("Partial answer", string.Concat(events.Select(e => e.TextDelta)));
        var last = events[^1];
        Assert.Equal("error", last.EventType);
        Assert.Equal("overloaded_error", last.Data.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.EventType == "message_stop");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpstreamStreamBreaksMidway_ErrorEventThenEnd(bool connectionReset)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        var transcript = UpstreamScenario.Transcript("text-hello.sse");
        fake.Enqueue(connectionReset ? transcript with { CutAfterEvents = 6 } : transcript with { EndAfterEvents = 6 });
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, AnthropicRequests.Text("Say hello", stream: true), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await AnthropicSseReader.ReadAllAsync(response, ct);
        Assert.Equal("Hello from", string.Concat(events.Select(e => e.TextDelta)));
        Assert.Equal("error", events[^1].EventType);
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.EventType == "message_stop");
    }

    internal static async Task<HttpResponseMessage> PostAsync(ProxyFixture proxy, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages?beta=true") { Content = AnthropicRequests.Json(body) };
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("x-api-key", "test");
        request.Headers.Add("X-Claude-Code-Session-Id", SessionId);
        return await proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }
}
