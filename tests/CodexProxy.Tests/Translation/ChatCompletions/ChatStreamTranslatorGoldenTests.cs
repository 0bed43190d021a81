using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.OpenAI;
using CodexProxy.Translation.ChatCompletions;
using Xunit;
using static CodexProxy.Tests.Translation.ChatCompletions.OpenAIGoldenTranscripts;
using static CodexProxy.Tests.Translation.Response.TranslationTestHelpers;

namespace CodexProxy.Tests.Translation.ChatCompletions;

/// <summary>Recorded-shape Codex transcripts → Chat Completions chunks, against golden files.</summary>
public sealed class ChatStreamTranslatorGoldenTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("tool-call")]
    [InlineData("parallel-tool-calls")]
    [InlineData("reasoning-text-tool")]
    [InlineData("incomplete")]
    [InlineData("failed")]
    public async Task Transcript_MatchesGoldenChatSse(string name) =>
        await AssertGoldenAsync(await ChatSseAsync($"{name}.sse"), $"{name}.chat.expected.sse");

    [Fact]
    public async Task ParallelToolCalls_GetOneIndexEach_AndFinishWithToolCalls()
    {
        var chunks = ChatChunks(await ChatSseAsync("parallel-tool-calls.sse"));

        var starts = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _))
            .SelectMany(d => d.GetProperty("tool_calls").EnumerateArray())
            .Where(t => t.TryGetProperty("id", out _))
            .Select(t => (t.GetProperty("index").GetInt32(), t.GetProperty("id").GetString(), t.GetProperty("function").GetProperty("name").GetString()))
            .ToList();
        Assert.Equal([(0, "call_R1aa", "Read"), (1, "call_R2bb", "Read")], starts);
        Assert.Contains(chunks, c => c.GetProperty("choices").EnumerateArray().Any(ch => ch.GetProperty("finish_reason").GetString() == "tool_calls"));
    }

    [Fact]
    public async Task UsageChunk_CarriesCachedAndReasoningTokens_WithNoChoices()
    {
        var last = ChatChunks(await ChatSseAsync("incomplete.sse"))[^1];

        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        var usage = last.GetProperty("usage");
        Assert.Equal(3000, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4096, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(2048, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(1024, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task WithoutIncludeUsage_NoUsageChunkIsSent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var context = ChatContext with { IncludeUsage = false };
        var chunks = new List<ChatCompletionChunk>();
        await foreach (var chunk in ChatStreamTranslator.TranslateAsync(Upstream([Created, """{"type":"response.output_text.delta","item_id":"m1","delta":"Hi"}""", Completed], cancellationToken), context, cancellationToken))
        {
            chunks.Add(chunk);
        }

        Assert.All(chunks, c => Assert.Null(c.Usage));
        Assert.Equal("stop", chunks[^1].Choices[0].FinishReason);
        Assert.Equal(["", "Hi", null], chunks.Select(c => c.Choices[0].Delta.Content));
    }

    [Theory]
    [InlineData(false, null, "stop")]
    [InlineData(true, null, "tool_calls")]
    [InlineData(true, "max_output_tokens", "length")]
    [InlineData(false, "content_filter", "content_filter")]
    public void FinishReason_FollowsTheOpenAIRules(bool calledTools, string? incompleteReason, string expected) =>
        Assert.Equal(expected, ChatStreamTranslator.FinishReason(calledTools, incompleteReason));

    [Fact]
    public async Task NonStreaming_AggregatesToolCallsAndUsage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var body = File.OpenRead(TranscriptPath("reasoning-text-tool.sse"));
        var chunks = ChatStreamTranslator.TranslateAsync(CodexEventReader.ReadAsync(body, cancellationToken), ChatContext, cancellationToken);

        var completion = await ChatCompletionAggregator.AggregateAsync(chunks, cancellationToken);

        var json = JsonSerializer.SerializeToElement(completion, OpenAIJsonContext.Default.ChatCompletion);
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.StartsWith("{", call.GetProperty("function").GetProperty("arguments").GetString(), StringComparison.Ordinal);
        Assert.True(json.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);
    }
}
