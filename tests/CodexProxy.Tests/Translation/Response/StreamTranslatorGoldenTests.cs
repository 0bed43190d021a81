using Xunit;
using static CodexProxy.Tests.Translation.Response.TranslationTestHelpers;

namespace CodexProxy.Tests.Translation.Response;

/// <summary>Recorded-shape Codex transcripts → Anthropic SSE, compared byte for byte with golden files.</summary>
public sealed class StreamTranslatorGoldenTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("tool-call")]
    [InlineData("parallel-tool-calls")]
    [InlineData("reasoning-text-tool")]
    [InlineData("incomplete")]
    [InlineData("web-search")]
    [InlineData("interleaved-tool-calls")]
    public async Task Transcript_MatchesGoldenAnthropicSse(string name)
    {
        var actual = await TranscriptToAnthropicSseAsync($"{name}.sse");

        var expectedPath = TranscriptPath($"{name}.expected.sse");
        var expected = File.Exists(expectedPath) ? await File.ReadAllTextAsync(expectedPath, TestContext.Current.CancellationToken) : null;
        if (actual != expected)
        {
            // Left in the test output folder so a reviewer can diff it against the golden file.
            await File.WriteAllTextAsync(TranscriptPath($"{name}.actual.sse"), actual, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, actual);
    }
}
