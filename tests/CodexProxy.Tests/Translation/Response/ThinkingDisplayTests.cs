using System.Buffers;
using System.Text;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Translation;
using CodexProxy.Translation.Response;
using Xunit;
using static CodexProxy.Tests.Translation.Response.TranslationTestHelpers;

namespace CodexProxy.Tests.Translation.Response;

/// <summary><c>thinking.display: "omitted"</c> (Claude Code's subagents): thinking blocks keep their signature, so the
/// reasoning replays next turn, but carry no text.</summary>
public sealed class ThinkingDisplayTests
{
    [Fact]
    public async Task Omitted_ReasoningTranscript_MatchesGolden_ThinkingBlockHasSignatureOnly()
    {
        var actual = await TranslateOmittedAsync("reasoning-text-tool.sse");

        var expectedPath = TranscriptPath("reasoning-text-tool.omitted.expected.sse");
        var expected = File.Exists(expectedPath) ? await File.ReadAllTextAsync(expectedPath, TestContext.Current.CancellationToken) : null;
        if (actual != expected)
        {
            await File.WriteAllTextAsync(TranscriptPath("reasoning-text-tool.omitted.actual.sse"), actual, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, actual);
        Assert.DoesNotContain("thinking_delta", actual, StringComparison.Ordinal);
        Assert.Contains("\"signature_delta\",\"signature\":\"" + ThinkingSignature.Prefix, actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Omitted_ReasoningWithoutEncryptedContent_ProducesNoBlock()
    {
        var events = await TranslateAsync(
            omit: true,
            Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}""",
            """{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Thinking"}""",
            """{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Thinking"}]}}""",
            """{"type":"response.output_item.added","output_index":1,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}""",
            """{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"delta":"Hi"}""",
            """{"type":"response.output_item.done","output_index":1,"item":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi"}]}}""",
            Completed);

        var start = Assert.Single(events.OfType<ContentBlockStartEvent>());
        Assert.IsType<TextBlock>(start.ContentBlock);
        Assert.Equal(0, start.Index);
    }

    [Fact]
    public async Task Omitted_ReplaysThroughTheNonStreamingAnswer_WithEmptyThinkingAndTheSignature()
    {
        await using var body = File.OpenRead(TranscriptPath("reasoning-text-tool.sse"));
        var ct = TestContext.Current.CancellationToken;
        var events = StreamTranslator.TranslateAsync(CodexEventReader.ReadAsync(body, ct), Context() with { OmitThinkingText = true }, ct);

        var message = await MessageAggregator.AggregateAsync(events, ct);

        var thinking = Assert.IsType<ThinkingBlock>(message.Content[0]);
        Assert.Equal(string.Empty, thinking.Thinking);
        Assert.True(ThinkingSignature.TryDecode(thinking.Signature, out _, out var encrypted) && encrypted.Length > 0);
    }

    private static async Task<string> TranslateOmittedAsync(string transcript)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var body = File.OpenRead(TranscriptPath(transcript));
        var buffer = new ArrayBufferWriter<byte>();
        await foreach (var streamEvent in StreamTranslator.TranslateAsync(CodexEventReader.ReadAsync(body, ct), Context() with { OmitThinkingText = true }, ct))
        {
            AnthropicSseFormatter.WriteEvent(buffer, streamEvent);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static async Task<List<StreamEvent>> TranslateAsync(bool omit, params string[] jsonEvents)
    {
        var ct = TestContext.Current.CancellationToken;
        var events = new List<StreamEvent>();
        await foreach (var streamEvent in StreamTranslator.TranslateAsync(Upstream(jsonEvents, ct), Context() with { OmitThinkingText = omit }, ct))
        {
            events.Add(streamEvent);
        }

        return events;
    }
}
