using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>The official Anthropic .NET SDK against the proxy: if the SDK parses it, real clients will.</summary>
public sealed class AnthropicSdkTests
{
    private const string Model = AnthropicRequests.Model;

    [Fact]
    public async Task Streaming_TextDeltasArriveInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = CreateClient(proxy);

        var text = new List<string>();
        string? stopReason = null;
        long? outputTokens = null;
        await foreach (var streamEvent in client.Messages.CreateStreaming(Ask("Say hello"), ct))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var textDelta))
            {
                text.Add(textDelta.Text);
            }
            else if (streamEvent.TryPickDelta(out var messageDelta))
            {
                stopReason = messageDelta.Delta.StopReason?.Raw();
                outputTokens = messageDelta.Usage.OutputTokens;
            }
        }

        Assert.Equal("Hello from Codex.", string.Concat(text));
        Assert.True(text.Count >= 3);
        Assert.Equal("end_turn", stopReason);
        Assert.Equal(15, outputTokens);
        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task NonStreaming_ReturnsTheWholeMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        var message = await CreateClient(proxy).Messages.Create(Ask("Say hello"), ct);

        Assert.Equal(Model, message.Model.Raw());
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        Assert.Equal("Hello from Codex.", text.Text);
        Assert.Equal(15, message.Usage.OutputTokens);
        Assert.Equal(1000, message.Usage.CacheReadInputTokens);
        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task ToolLoop_ToolUseThenToolResultThenFinalText()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", "echo hi"));
        fake.Responder = request => request.FunctionCallOutputTexts().Contains("hi")
            ? UpstreamScenario.Transcript("text-template.sse").With("TEXT", "The command printed hi.")
            : UpstreamErrors.BadRequest("test expected the tool output 'hi'");
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = CreateClient(proxy);
        var tools = new List<ToolUnion> { BashTool() };
        var user = new UserMessageParam { Content = "Run echo hi" };

        var first = await client.Messages.Create(Ask(user) with { Tools = tools }, ct);

        Assert.Equal("tool_use", first.StopReason?.Raw());
        var toolUse = first.Content.Select(b => b.TryPickToolUse(out var t) ? t : null).Single(t => t is not null)!;
        Assert.Equal("Bash", toolUse.Name);
        Assert.Equal("echo hi", toolUse.Input["command"].GetString());

        var second = await client.Messages.Create(Ask(user) with
        {
            Tools = tools,
            Messages =
            [
                user,
                new AssistantMessageParam
                {
                    Content = new List<ContentBlockParam> { new ToolUseBlockParam { ID = toolUse.ID, Name = toolUse.Name, Input = toolUse.Input } },
                },
                new UserMessageParam
                {
                    Content = new List<ContentBlockParam> { new ToolResultBlockParam { ToolUseID = toolUse.ID, Content = "hi", IsError = false } },
                },
            ],
        }, ct);

        Assert.Equal("end_turn", second.StopReason?.Raw());
        Assert.True(Assert.Single(second.Content).TryPickText(out var finalText));
        Assert.Equal("The command printed hi.", finalText.Text);
        Assert.Empty(fake.Rejections);
        var replay = fake.Requests[1];
        var call = Assert.Single(replay.ItemsOfType("function_call"));
        Assert.Equal("Bash", call.GetProperty("name").GetString());
        var output = Assert.Single(replay.ItemsOfType("function_call_output"));
        Assert.Equal(call.GetProperty("call_id").GetString(), output.GetProperty("call_id").GetString());
    }

    [Fact]
    public async Task Thinking_SignatureRoundTripsAsReasoningItem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(
            UpstreamScenario.Transcript("reasoning-then-text.sse"),
            UpstreamScenario.Transcript("text-template.sse").With("TEXT", "Twelve."));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = CreateClient(proxy);
        var user = new UserMessageParam { Content = "What is 2+2?" };
        var thinkingConfig = new ThinkingConfigEnabled { BudgetTokens = 2048 };

        var first = await client.Messages.Create(Ask(user) with { Thinking = thinkingConfig }, ct);

        var thinking = first.Content.Select(b => b.TryPickThinking(out var t) ? t : null).Single(t => t is not null)!;
        Assert.StartsWith("cxp1.", thinking.Signature, StringComparison.Ordinal);
        Assert.EndsWith(".gAAAAB_e2e_final_reasoning==", thinking.Signature, StringComparison.Ordinal);
        Assert.Contains("Two plus two is four.", thinking.Thinking, StringComparison.Ordinal);
        Assert.True(first.Content[^1].TryPickText(out var answer));
        Assert.Equal("The answer is 4.", answer.Text);

        await client.Messages.Create(Ask(user) with
        {
            Thinking = thinkingConfig,
            Messages =
            [
                user,
                new AssistantMessageParam
                {
                    Content = new List<ContentBlockParam>
                    {
                        new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature },
                        new TextBlockParam { Text = answer.Text },
                    },
                },
                new UserMessageParam { Content = "And times three?" },
            ],
        }, ct);

        Assert.Empty(fake.Rejections);
        var replayed = fake.Requests[1].InputItems;
        var reasoningIndex = replayed.ToList().FindIndex(i => i.GetProperty("type").ValueEquals("reasoning"));
        Assert.True(reasoningIndex >= 0, "the reasoning item was not replayed");
        Assert.Equal("gAAAAB_e2e_final_reasoning==", replayed[reasoningIndex].GetProperty("encrypted_content").GetString());
        var assistantIndex = replayed.ToList().FindIndex(i => i.TryGetProperty("role", out var r) && r.ValueEquals("assistant"));
        Assert.True(reasoningIndex < assistantIndex, "reasoning must precede the answer it produced");
    }

    public static TheoryData<string, int> ErrorRows => new()
    {
        { nameof(UpstreamErrors.BadRequest), 400 },
        { nameof(UpstreamErrors.CloudflareBlock), 403 },
        { nameof(UpstreamErrors.NotFound), 404 },
        { nameof(UpstreamErrors.RateLimited), 429 },
        { nameof(UpstreamErrors.UsageLimit), 429 },
        { nameof(UpstreamErrors.ServerError), 500 },
        { nameof(UpstreamErrors.Overloaded), 529 },
        { nameof(UpstreamErrors.Unauthorized), 401 },
    };

    [Theory]
    [MemberData(nameof(ErrorRows))]
    public async Task UpstreamError_SurfacesAsTypedSdkException(string upstreamError, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        var now = DateTimeOffset.UtcNow;
        UpstreamScenario scenario = upstreamError switch
        {
            nameof(UpstreamErrors.BadRequest) => UpstreamErrors.BadRequest("The 'gpt-9' model is not supported when using Codex with a ChatGPT account."),
            nameof(UpstreamErrors.CloudflareBlock) => UpstreamErrors.CloudflareBlock(),
            nameof(UpstreamErrors.NotFound) => UpstreamErrors.NotFound(),
            nameof(UpstreamErrors.RateLimited) => UpstreamErrors.RateLimited(),
            nameof(UpstreamErrors.UsageLimit) => UpstreamErrors.UsageLimit(now.AddMinutes(30), now),
            nameof(UpstreamErrors.ServerError) => UpstreamErrors.ServerError(),
            nameof(UpstreamErrors.Overloaded) => UpstreamErrors.Overloaded(),
            _ => UpstreamErrors.Unauthorized(),
        };
        fake.Enqueue(scenario, scenario, scenario, scenario);
        // The proxy retries a 503 (up to 3 times) before answering; every attempt gets the same error.
        fake.Responder = _ => scenario;
        // A 401 triggers one refresh, which this fake OAuth server refuses (unknown refresh token): log in again.
        await using var oauth = await FakeOAuthServer.StartAsync();
        await using var proxy = await ProxyFixture.StartAsync(fake.BaseUrl, authBaseUrl: oauth.BaseUrl, cancellationToken: ct);
        var client = CreateClient(proxy);

        var nonStreaming = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => client.Messages.Create(Ask("hi"), ct));
        var streaming = await Assert.ThrowsAnyAsync<AnthropicApiException>(async () =>
        {
            await foreach (var unused in client.Messages.CreateStreaming(Ask("hi"), ct))
            {
                // Nothing arrives: the error comes before the stream.
            }
        });

        foreach (var exception in new[] { nonStreaming, streaming })
        {
            AssertTyped(exception, status);
        }
    }

    private static void AssertTyped(AnthropicApiException exception, int status)
    {
        switch (status)
        {
            case 400: Assert.IsType<AnthropicBadRequestException>(exception); break;
            case 401: Assert.IsType<AnthropicUnauthorizedException>(exception); break;
            case 403: Assert.IsType<AnthropicForbiddenException>(exception); break;
            case 404: Assert.IsType<AnthropicNotFoundException>(exception); break;
            case 429: Assert.IsType<AnthropicRateLimitException>(exception); break;
            case 529: Assert.IsType<AnthropicOverloadedException>(exception); break;
            default: Assert.IsAssignableFrom<Anthropic5xxException>(exception); break;
        }

        Assert.Equal(status, (int)exception.StatusCode);
    }

    private static AnthropicClient CreateClient(ProxyFixture proxy) => new()
    {
        BaseUrl = proxy.BaseAddress.ToString().TrimEnd('/'),
        ApiKey = "test",
        MaxRetries = 0,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static MessageCreateParams Ask(string prompt) => Ask(new UserMessageParam { Content = prompt });

    private static MessageCreateParams Ask(UserMessageParam user) => new()
    {
        Model = Model,
        MaxTokens = 4096,
        System = "You are a helpful assistant used in an end-to-end test.",
        Messages = [user],
    };

    private static Tool BashTool() => new()
    {
        Name = "Bash",
        Description = "Run a shell command.",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement>
            {
                ["command"] = JsonDocument.Parse("""{"type":"string"}""").RootElement.Clone(),
                ["description"] = JsonDocument.Parse("""{"type":"string"}""").RootElement.Clone(),
            },
            Required = ["command"],
        },
    };
}
