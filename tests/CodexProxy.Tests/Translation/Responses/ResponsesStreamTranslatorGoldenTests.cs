using Xunit;
using static CodexProxy.Tests.Translation.ChatCompletions.OpenAIGoldenTranscripts;

namespace CodexProxy.Tests.Translation.Responses;

/// <summary>Recorded-shape Codex transcripts → Responses API events, against golden files: output events relayed,
/// lifecycle events carrying the gathered output and the request's echo, failures as error + response.failed.</summary>
public sealed class ResponsesStreamTranslatorGoldenTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("tool-call")]
    [InlineData("reasoning-text-tool")]
    [InlineData("incomplete")]
    [InlineData("web-search")]
    public async Task Transcript_MatchesGoldenResponsesSse(string name) =>
        await AssertGoldenAsync(await ResponsesSseAsync($"{name}.sse"), $"{name}.responses.expected.sse");

    [Fact]
    public async Task FailureAfterOutput_IsAnErrorEventThenResponseFailed()
    {
        var sse = await ResponsesSseAsync("failed.sse");

        var errorAt = sse.IndexOf("event: error\n", StringComparison.Ordinal);
        var failedAt = sse.IndexOf("event: response.failed\n", StringComparison.Ordinal);
        Assert.True(errorAt >= 0 && failedAt > errorAt, sse);
        Assert.Contains("\"code\":\"context_length_exceeded\"", sse, StringComparison.Ordinal);
    }
}
