using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Translation;
using CodexProxy.Translation.Response;
using Xunit;
using static CodexProxy.Tests.Translation.Response.TranslationTestHelpers;

namespace CodexProxy.Tests.Translation.Response;

public sealed class MessageAggregatorTests
{
    [Fact]
    public async Task TextTranscript_AggregatesToTheNonStreamingMessage()
    {
        var message = await AggregateTranscriptAsync("text.sse");

        // Compared as JSON: the wire escaping of non-ASCII text is the HTTP layer's choice, not the aggregator's.
        var actual = JsonNode.Parse(JsonSerializer.Serialize(message, AnthropicJsonContext.Default.AnthropicMessage));
        var expected = JsonNode.Parse(
            """
            {"id":"msg_test","type":"message","role":"assistant","model":"claude-sonnet-5",
             "content":[{"type":"text","text":"Hello! Here is the list:\n- `src/` — \"code\"\n- 테스트 <tests> & more"}],
             "stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":496,"output_tokens":38,"cache_creation_input_tokens":0,"cache_read_input_tokens":1024}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, actual), actual?.ToJsonString());
    }

    [Fact]
    public async Task ParallelToolCalls_AggregateToParsedInputsInOrder()
    {
        var message = await AggregateTranscriptAsync("parallel-tool-calls.sse");

        Assert.Equal("tool_use", message.StopReason);
        Assert.Collection(
            message.Content,
            block => Assert.Equal("Reading both files.", Assert.IsType<TextBlock>(block).Text),
            block => AssertToolUse(block, "call_R1aa", "Read", "/repo/a.txt"),
            block => AssertToolUse(block, "call_R2bb", "Read", "/repo/b.txt"));
    }

    [Fact]
    public async Task ReasoningTextTool_AggregatesThinkingWithSignature()
    {
        var message = await AggregateTranscriptAsync("reasoning-text-tool.sse");

        var thinking = Assert.IsType<ThinkingBlock>(message.Content[0]);
        Assert.Equal("**Listing files**\n\nI will run ls.\n\n**Checking output**\n\nThen read it.", thinking.Thinking);
        Assert.Equal("cxp1.rs_3d4e5f6a7b8c.gAAAAABfinal-Zx9_q==", thinking.Signature);
        Assert.Equal("Running ls now.", Assert.IsType<TextBlock>(message.Content[1]).Text);
        var toolUse = Assert.IsType<ToolUseBlock>(message.Content[2]);
        Assert.Equal("ls", toolUse.Input.GetProperty("command").GetString());
        Assert.Equal(new AnthropicUsage { InputTokens = 2106, OutputTokens = 212, CacheReadInputTokens = 16128 }, message.Usage);
    }

    [Fact]
    public async Task WebSearch_KeepsServerToolBlocksAsEmitted()
    {
        var message = await AggregateTranscriptAsync("web-search.sse");

        var use = Assert.IsType<ServerToolUseBlock>(message.Content[0]);
        Assert.Equal(("ws_6a7b8c9d0e1f", "web_search"), (use.Id, use.Name));
        Assert.Equal(".NET 10 release date", use.Input.GetProperty("query").GetString());
        var result = Assert.IsType<WebSearchToolResultBlock>(message.Content[1]);
        Assert.Equal(JsonValueKind.Array, result.Content.ValueKind);
        Assert.Equal(".NET 10 was released in November 2025.", Assert.IsType<TextBlock>(message.Content[2]).Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"command\":")]
    [InlineData("[1,2]")]
    public async Task UnusableToolInput_BecomesEmptyObject(string partialJson)
    {
        var message = await MessageAggregator.AggregateAsync(
            Events(
                Start(),
                new ContentBlockStartEvent(0, new ToolUseBlock("call_1", "Bash", JsonConstants.EmptyObject)),
                new ContentBlockDeltaEvent(0, new InputJsonDelta(partialJson)),
                new ContentBlockStopEvent(0),
                new MessageDeltaEvent(new MessageDelta("tool_use"), new AnthropicUsage { OutputTokens = 3 }),
                new MessageStopEvent()),
            TestContext.Current.CancellationToken);

        var toolUse = Assert.IsType<ToolUseBlock>(Assert.Single(message.Content));
        Assert.Equal(JsonValueKind.Object, toolUse.Input.ValueKind);
        Assert.Empty(toolUse.Input.EnumerateObject());
        Assert.Equal(3, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task FailedTranscript_PropagatesUpstreamException()
    {
        var exception = await Assert.ThrowsAsync<UpstreamStreamException>(() => AggregateTranscriptAsync("failed.sse"));

        Assert.Equal("context_length_exceeded", exception.Error.Code);
    }

    [Fact]
    public async Task IncompleteTranscript_ReportsMaxTokens()
    {
        var message = await AggregateTranscriptAsync("incomplete.sse");

        Assert.Equal("max_tokens", message.StopReason);
        Assert.Equal("The answer is a very long essay that gets cut", Assert.IsType<TextBlock>(Assert.Single(message.Content)).Text);
    }

    private static async Task<AnthropicMessage> AggregateTranscriptAsync(string name)
    {
        await using var body = File.OpenRead(TranscriptPath(name));
        return await MessageAggregator.AggregateAsync(TranslateTranscript(body), TestContext.Current.CancellationToken);
    }

    private static void AssertToolUse(ResponseBlock block, string id, string name, string filePath)
    {
        var toolUse = Assert.IsType<ToolUseBlock>(block);
        Assert.Equal((id, name), (toolUse.Id, toolUse.Name));
        Assert.Equal(filePath, toolUse.Input.GetProperty("file_path").GetString());
    }

    private static MessageStartEvent Start() =>
        new(new AnthropicMessage { Id = "msg_test", Model = "claude-sonnet-5", Usage = UsageMapper.Zero });

    private static async IAsyncEnumerable<StreamEvent> Events(
        params StreamEvent[] events)
    {
        foreach (var streamEvent in events)
        {
            await Task.Yield();
            yield return streamEvent;
        }
    }
}
