using System.Threading.Channels;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation;
using CodexProxy.Translation.Response;
using Xunit;
using static CodexProxy.Tests.Translation.Response.TranslationTestHelpers;

namespace CodexProxy.Tests.Translation.Response;

public sealed class StreamTranslatorTests
{
    private const string MessageAdded = """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}""";

    [Fact]
    public async Task FailedTranscript_ThrowsWithUpstreamErrorAfterMessageStartOnly()
    {
        await using var body = File.OpenRead(TranscriptPath("failed.sse"));
        var emitted = new List<StreamEvent>();

        var exception = await Assert.ThrowsAsync<UpstreamStreamException>(async () =>
        {
            await foreach (var streamEvent in TranslateTranscript(body))
            {
                emitted.Add(streamEvent);
            }
        });

        Assert.Equal("context_length_exceeded", exception.Error.Code);
        Assert.StartsWith("Your input exceeds the context window", exception.Error.Message, StringComparison.Ordinal);
        // response.created produced message_start; no content, no message_delta/stop, no error event.
        Assert.Single(emitted);
        Assert.IsType<MessageStartEvent>(emitted[0]);
    }

    [Fact]
    public async Task FailedWithoutCreated_ThrowsBeforeAnyOutput()
    {
        var exception = await Assert.ThrowsAsync<UpstreamStreamException>(() => TranslateAsync(
            """{"type":"response.failed","response":{"status":"failed"}}"""));

        Assert.Equal("response_failed", exception.Error.Code);
    }

    [Fact]
    public async Task NestedErrorEvent_ThrowsWithNestedError()
    {
        var exception = await Assert.ThrowsAsync<UpstreamStreamException>(() => TranslateAsync(
            Created,
            """{"type":"error","sequence_number":3,"error":{"type":"invalid_request","code":"cyber_policy","message":"This content was flagged.","param":null}}"""));

        Assert.Equal("cyber_policy", exception.Error.Code);
        Assert.Equal("invalid_request", exception.Error.Type);
        Assert.Equal("This content was flagged.", exception.Message);
    }

    [Fact]
    public async Task FlatErrorEvent_ThrowsWithFlatCodeAndMessage()
    {
        var exception = await Assert.ThrowsAsync<UpstreamStreamException>(() => TranslateAsync(
            Created,
            """{"type":"error","code":"server_is_overloaded","message":"Model is at capacity.","param":null}"""));

        Assert.Equal("server_is_overloaded", exception.Error.Code);
        Assert.Equal("Model is at capacity.", exception.Error.Message);
    }

    [Fact]
    public async Task StreamEndsWithoutTerminalEvent_ThrowsTruncated()
    {
        var exception = await Assert.ThrowsAsync<UpstreamStreamException>(() => TranslateAsync(
            Created,
            MessageAdded,
            """{"type":"response.output_text.delta","output_index":0,"item_id":"msg_1","delta":"partial"}"""));

        Assert.Equal("stream_truncated", exception.Error.Code);
    }

    [Theory]
    [InlineData("max_output_tokens", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    [InlineData("something_new", "end_turn")]
    public async Task Incomplete_MapsReasonToStopReason(string reason, string expected)
    {
        var events = await TranslateAsync(
            Created,
            $$$$"""{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"{{{{reason}}}}"}}}""");

        var delta = Assert.IsType<MessageDeltaEvent>(events[^2]);
        Assert.Equal(expected, delta.Delta.StopReason);
        Assert.IsType<MessageStopEvent>(events[^1]);
    }

    [Fact]
    public async Task UnknownEvents_AreIgnored()
    {
        var events = await TranslateAsync(
            Created,
            """{"type":"response.in_progress","response":{"status":"in_progress"}}""",
            """{"type":"codex.rate_limits","plan_type":"plus"}""",
            """{"type":"response.something_new","output_index":0,"delta":"x"}""",
            """{"type":"response.reasoning_text.delta","output_index":0,"item_id":"rs_1","delta":"raw"}""",
            Completed);

        Assert.Collection(
            events,
            e => Assert.IsType<MessageStartEvent>(e),
            e => Assert.Equal(new MessageDelta("end_turn"), Assert.IsType<MessageDeltaEvent>(e).Delta),
            e => Assert.IsType<MessageStopEvent>(e));
    }

    [Fact]
    public async Task NoResponseCreated_EmitsMessageStartOnceBeforeFirstBlock()
    {
        var events = await TranslateAsync(
            MessageAdded,
            """{"type":"response.output_text.delta","output_index":0,"item_id":"msg_1","delta":"Hi"}""",
            """{"type":"response.output_text.delta","output_index":0,"item_id":"msg_1","delta":" there"}""",
            Completed);

        var start = Assert.IsType<MessageStartEvent>(events[0]);
        Assert.Equal("msg_test", start.Message.Id);
        Assert.Equal("claude-sonnet-5", start.Message.Model);
        Assert.Single(events, e => e is MessageStartEvent);
        Assert.IsType<ContentBlockStartEvent>(events[1]);
    }

    [Fact]
    public async Task MessageDoneWithoutDeltas_EmitsTextAndRefusalAsOneBlock()
    {
        var events = await TranslateAsync(
            Created,
            MessageAdded,
            """{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hello. "},{"type":"refusal","refusal":"I can't help with that."}]}}""",
            Completed);

        Assert.Equal(new TextBlock(""), Assert.IsType<ContentBlockStartEvent>(events[1]).ContentBlock);
        Assert.Equal(new TextDelta("Hello. I can't help with that."), Assert.IsType<ContentBlockDeltaEvent>(events[2]).Delta);
        Assert.Equal(0, Assert.IsType<ContentBlockStopEvent>(events[3]).Index);
    }

    [Fact]
    public async Task RefusalDeltas_AreStreamedAsText()
    {
        var events = await TranslateAsync(
            Created,
            MessageAdded,
            """{"type":"response.refusal.delta","output_index":0,"item_id":"msg_1","content_index":0,"delta":"No."}""",
            Completed);

        Assert.Equal(new TextDelta("No."), Assert.IsType<ContentBlockDeltaEvent>(events[2]).Delta);
    }

    [Fact]
    public async Task ReasoningWithoutSummaryOrEncryptedContent_EmitsNothing()
    {
        var events = await TranslateAsync(
            Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}""",
            """{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}""",
            Completed);

        Assert.DoesNotContain(events, e => e is ContentBlockStartEvent);
    }

    [Fact]
    public async Task ReasoningSummaryOnlyInDoneItem_EmitsThinkingThenSignature()
    {
        var events = await TranslateAsync(
            Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[],"encrypted_content":"snapshot"}}""",
            """{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"First."},{"type":"summary_text","text":"Second."}],"encrypted_content":"final"}}""",
            Completed);

        Assert.Equal(new ThinkingBlock("", ""), Assert.IsType<ContentBlockStartEvent>(events[1]).ContentBlock);
        Assert.Equal(new ThinkingDelta("First.\n\nSecond."), Assert.IsType<ContentBlockDeltaEvent>(events[2]).Delta);
        Assert.Equal(new SignatureDelta("cxp1.rs_1.final"), Assert.IsType<ContentBlockDeltaEvent>(events[3]).Delta);
        Assert.IsType<ContentBlockStopEvent>(events[4]);
    }

    [Fact]
    public async Task ReasoningSignatureOnly_EmitsEmptyThinkingWithSignature()
    {
        var events = await TranslateAsync(
            Created,
            """{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_9","type":"reasoning","summary":[],"encrypted_content":"gAAA"}}""",
            Completed);

        Assert.Equal(new SignatureDelta("cxp1.rs_9.gAAA"), Assert.IsType<ContentBlockDeltaEvent>(events[2]).Delta);
        Assert.True(ThinkingSignature.TryDecode("cxp1.rs_9.gAAA", out var itemId, out var encrypted));
        Assert.Equal(("rs_9", "gAAA"), (itemId, encrypted));
    }

    [Fact]
    public async Task SummaryPartsWithoutPartAddedEvents_AreSeparatedByBlankLine()
    {
        var events = await TranslateAsync(
            Created,
            """{"type":"response.reasoning_summary_text.delta","output_index":0,"item_id":"rs_1","summary_index":0,"delta":"A"}""",
            """{"type":"response.reasoning_summary_text.delta","output_index":0,"item_id":"rs_1","summary_index":1,"delta":"B"}""",
            Completed);

        var thinking = events.OfType<ContentBlockDeltaEvent>().Select(e => Assert.IsType<ThinkingDelta>(e.Delta).Thinking);
        Assert.Equal(["A", "\n\n", "B"], thinking);
    }

    [Fact]
    public async Task FunctionCall_UsesCallIdAndMapsShortenedNameBack()
    {
        var longName = "mcp__" + new string('x', 80) + "__search";
        var names = new ToolNameMap([longName]);
        var codexName = names.ToCodex(longName);
        var upstream = Upstream(
        [
            Created,
            $$$"""{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_1","type":"function_call","name":"{{{codexName}}}","call_id":"call_7","arguments":""}}""",
            $$$"""{"type":"response.output_item.done","output_index":0,"item":{"id":"fc_1","type":"function_call","name":"{{{codexName}}}","call_id":"call_7","arguments":"{\"q\":1}"}}""",
            Completed,
        ], TestContext.Current.CancellationToken);

        var events = new List<StreamEvent>();
        await foreach (var e in StreamTranslator.TranslateAsync(upstream, Context(names), TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var block = Assert.IsType<ToolUseBlock>(Assert.IsType<ContentBlockStartEvent>(events[1]).ContentBlock);
        Assert.Equal(("call_7", longName), (block.Id, block.Name));
        Assert.Equal(new InputJsonDelta("""{"q":1}"""), Assert.IsType<ContentBlockDeltaEvent>(events[2]).Delta);
        Assert.Equal("tool_use", Assert.IsType<MessageDeltaEvent>(events[^2]).Delta.StopReason);
    }

    [Fact]
    public async Task TerminalEventWithOpenAndQueuedBlocks_ClosesEverythingInOrder()
    {
        var events = await TranslateAsync(
            Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_a","type":"function_call","name":"A","call_id":"call_a"}}""",
            """{"type":"response.output_item.added","output_index":1,"item":{"id":"fc_b","type":"function_call","name":"B","call_id":"call_b"}}""",
            """{"type":"response.function_call_arguments.delta","output_index":1,"item_id":"fc_b","delta":"{}"}""",
            Completed);

        var blockEvents = events.Where(e => e is ContentBlockStartEvent or ContentBlockDeltaEvent or ContentBlockStopEvent)
            .Select(e => e switch
            {
                ContentBlockStartEvent s => $"start{s.Index}",
                ContentBlockDeltaEvent d => $"delta{d.Index}",
                ContentBlockStopEvent s => $"stop{s.Index}",
                _ => "",
            });
        Assert.Equal(["start0", "stop0", "start1", "delta1", "stop1"], blockEvents);
    }

    [Fact]
    public async Task EachUpstreamDelta_IsEmittedBeforeTheNextUpstreamEventArrives()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var channel = Channel.CreateUnbounded<CodexStreamEvent>();
        await using var output = StreamTranslator.TranslateAsync(channel.Reader.ReadAllAsync(cancellationToken), Context(), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);

        channel.Writer.TryWrite(Event(Created));
        Assert.True(await output.MoveNextAsync());
        Assert.IsType<MessageStartEvent>(output.Current);

        channel.Writer.TryWrite(Event(MessageAdded));
        channel.Writer.TryWrite(Event("""{"type":"response.output_text.delta","output_index":0,"item_id":"msg_1","delta":"Hel"}"""));
        Assert.True(await output.MoveNextAsync());
        Assert.IsType<ContentBlockStartEvent>(output.Current);
        Assert.True(await output.MoveNextAsync());
        Assert.Equal(new TextDelta("Hel"), Assert.IsType<ContentBlockDeltaEvent>(output.Current).Delta);

        // The translator now waits on upstream: nothing more is produced until the next event is supplied.
        var next = output.MoveNextAsync();
        Assert.False(next.IsCompleted);
        channel.Writer.TryWrite(Event("""{"type":"response.output_text.delta","output_index":0,"item_id":"msg_1","delta":"lo"}"""));
        Assert.True(await next);
        Assert.Equal(new TextDelta("lo"), Assert.IsType<ContentBlockDeltaEvent>(output.Current).Delta);

        channel.Writer.TryWrite(Event(Completed));
        var remaining = new List<StreamEvent>();
        while (await output.MoveNextAsync())
        {
            remaining.Add(output.Current);
        }

        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], remaining.Select(e => e.EventName));
    }
}
