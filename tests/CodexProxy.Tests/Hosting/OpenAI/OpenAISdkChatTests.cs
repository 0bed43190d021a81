// The SDK marks reasoning effort and the Responses client as evaluation-only (OPENAI001); they are what clients use.
#pragma warning disable OPENAI001

using System.ClientModel;
using CodexProxy.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;
using Xunit;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>The official OpenAI .NET SDK's chat client against <c>/v1/chat/completions</c>: if it parses the answers,
/// the editors and scripts built on the OpenAI SDKs will.</summary>
public sealed class OpenAISdkChatTests
{
    [Fact]
    public async Task NonStreaming_ReturnsTextAndUsageWithCachedTokens()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        ChatCompletion completion = await OpenAIClients.Create(proxy).GetChatClient("gpt-5.5").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Say hello")],
            new ChatCompletionOptions { Temperature = 0.2f, MaxOutputTokenCount = 100, ReasoningEffortLevel = ChatReasoningEffortLevel.Low },
            ct);

        Assert.Equal("Hello from Codex.", Assert.Single(completion.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gpt-5.5", completion.Model);
        Assert.Equal(1200, completion.Usage.InputTokenCount);
        Assert.Equal(15, completion.Usage.OutputTokenCount);
        Assert.Equal(1000, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Empty(fake.Rejections);
        var sent = fake.Requests[0].Json!.Value;
        Assert.Equal("Be brief.", sent.GetProperty("input")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("low", sent.GetProperty("reasoning").GetProperty("effort").GetString());
    }

    [Fact]
    public async Task Streaming_DeltasArriveInOrder_WithTheUsageUpdateLast()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetChatClient("gpt-5.5");

        var text = new List<string>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Say hello")], cancellationToken: ct))
        {
            text.AddRange(update.ContentUpdate.Select(p => p.Text).Where(t => t.Length > 0));
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.Equal("Hello from Codex.", string.Concat(text));
        Assert.True(text.Count >= 3);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(15, usage?.OutputTokenCount);
        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task ToolRoundTrip_ToolCallThenToolMessageThenFinalText()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", "echo hi"));
        fake.Responder = request => request.FunctionCallOutputTexts().Contains("hi")
            ? UpstreamScenario.Transcript("text-template.sse").With("TEXT", "The command printed hi.")
            : UpstreamErrors.BadRequest("test expected the tool output 'hi'");
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var client = OpenAIClients.Create(proxy).GetChatClient("gpt-5.5");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("Bash", "Run a command", BinaryData.FromString(OpenAIClients.BashSchema)) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
        };
        List<ChatMessage> messages = [new UserChatMessage("Run echo hi")];

        // Streamed, as editors do: the call is assembled from its deltas.
        var calls = new StreamingToolCallCollector();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, ct))
        {
            calls.Add(update.ToolCallUpdates);
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        var call = Assert.Single(calls.Build());
        Assert.Equal("Bash", call.FunctionName);
        Assert.Equal("call_e2e_bash", call.Id);
        Assert.Equal("echo hi", System.Text.Json.JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("command").GetString());

        messages.Add(new AssistantChatMessage([call]));
        messages.Add(new ToolChatMessage(call.Id, "hi"));
        ChatCompletion second = await client.CompleteChatAsync(messages, options, ct);

        Assert.Equal("The command printed hi.", Assert.Single(second.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Empty(fake.Rejections);
        Assert.Equal("required", fake.Requests[0].Json!.Value.GetProperty("tool_choice").GetString());
    }

    [Fact]
    public async Task UsageLimit_IsA429TheSdkReportsWithOpenAIsQuotaCode()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        var now = DateTimeOffset.UtcNow;
        fake.Responder = _ => UpstreamErrors.UsageLimit(now.AddHours(2), now);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            OpenAIClients.Create(proxy, maxRetries: 0).GetChatClient("gpt-5.5").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: ct));

        Assert.Equal(429, error.Status);
        Assert.Contains("insufficient_quota", error.Message, StringComparison.Ordinal);
        Assert.Contains("usage limit", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Assembles streamed tool calls by index, as the SDK's samples do.</summary>
    internal sealed class StreamingToolCallCollector
    {
        private readonly SortedDictionary<int, (string? Id, string? Name, List<byte> Arguments)> _calls = [];

        public void Add(IReadOnlyList<StreamingChatToolCallUpdate> updates)
        {
            foreach (var update in updates)
            {
                var (id, name, arguments) = _calls.TryGetValue(update.Index, out var entry) ? entry : (null, null, new List<byte>());
                _calls[update.Index] = (id ?? update.ToolCallId, name ?? update.FunctionName, arguments);
                arguments.AddRange(update.FunctionArgumentsUpdate?.ToArray() ?? []);
            }
        }

        public List<ChatToolCall> Build() =>
            [.. _calls.Values.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id!, c.Name!, BinaryData.FromBytes(c.Arguments.ToArray())))];
    }
}
