using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Hosting;

public sealed class SseResponseWriterTests : IDisposable
{
    private static readonly AnthropicMessage StartMessage = new()
    {
        Id = "msg_1",
        Model = "claude-sonnet-5",
        Usage = new AnthropicUsage(),
    };

    private readonly FakeTimeProvider _time = new();
    private readonly DefaultHttpContext _http = new();
    private readonly MemoryStream _body = new();

    public SseResponseWriterTests() => _http.Response.Body = _body;

    public void Dispose() => _body.Dispose();

    private SseResponseWriter NewWriter() => new(_http.Response, _time, new ErrorMapper(_time));

    private string Output => Encoding.UTF8.GetString(_body.ToArray());

    [Fact]
    public async Task Events_AreWrittenInAnthropicSseFraming()
    {
        var writer = NewWriter();

        await writer.WriteAsync(Events(
            new MessageStartEvent(StartMessage),
            new ContentBlockStartEvent(0, new TextBlock("")),
            new ContentBlockDeltaEvent(0, new TextDelta("Hi")),
            new ContentBlockStopEvent(0),
            new MessageDeltaEvent(new MessageDelta("end_turn"), new AnthropicUsage { OutputTokens = 2 }),
            new MessageStopEvent()), TestContext.Current.CancellationToken);

        Assert.Equal("text/event-stream; charset=utf-8", _http.Response.ContentType);
        var frames = Output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, frames.Length);
        Assert.StartsWith("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"", frames[0], StringComparison.Ordinal);
        Assert.Equal("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}", frames[2]);
        Assert.Equal("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":0,\"output_tokens\":2,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}", frames[4]);
        Assert.Equal("event: message_stop\ndata: {\"type\":\"message_stop\"}", frames[5]);
    }

    [Fact]
    public async Task FailureBeforeContent_PropagatesWithoutStartingTheResponse()
    {
        var writer = NewWriter();

        await Assert.ThrowsAsync<UpstreamStreamException>(() => writer.WriteAsync(
            Failing(new UpstreamStreamException(new CodexError { Code = "server_is_overloaded" }), new MessageStartEvent(StartMessage)),
            TestContext.Current.CancellationToken));

        Assert.False(writer.HasStarted);
        Assert.Equal(0, _body.Length);
    }

    [Fact]
    public async Task FailureAfterContent_BecomesAnErrorEvent()
    {
        var writer = NewWriter();

        await writer.WriteAsync(Failing(
            new UpstreamStreamException(new CodexError { Code = "server_is_overloaded", Message = "Our servers are busy." }),
            new MessageStartEvent(StartMessage),
            new ContentBlockStartEvent(0, new TextBlock("")),
            new ContentBlockDeltaEvent(0, new TextDelta("par"))), TestContext.Current.CancellationToken);

        var last = Output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal($"event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"overloaded_error\",\"message\":\"{UpstreamFailureClassifier.AtCapacityMessage}\"}}}}", last);
    }

    [Fact]
    public async Task Silence_SendsPingAfterTheIntervalAndStartsTheStream()
    {
        var channel = Channel.CreateUnbounded<StreamEvent>();
        var writer = NewWriter();
        var writing = writer.WriteAsync(channel.Reader.ReadAllAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await channel.Writer.WriteAsync(new MessageStartEvent(StartMessage), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("ping", Output, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => Output.Contains("event: ping", StringComparison.Ordinal));
        Assert.StartsWith("event: message_start", Output, StringComparison.Ordinal);

        channel.Writer.Complete();
        await writing;
    }

    [Fact]
    public async Task EventsAlreadyWritten_AreDeliveredBeforeTheWriterWaitsForMore()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = Channel.CreateUnbounded<StreamEvent>();
        var flushes = new FlushCountingStream();
        _http.Response.Body = flushes;
        var writer = NewWriter();
        // A burst: three events are ready before the writer looks, then the upstream goes quiet.
        channel.Writer.TryWrite(new MessageStartEvent(StartMessage));
        channel.Writer.TryWrite(new ContentBlockStartEvent(0, new TextBlock("")));
        channel.Writer.TryWrite(new ContentBlockDeltaEvent(0, new TextDelta("Hi")));

        var writing = writer.WriteAsync(channel.Reader.ReadAllAsync(ct), ct);
        await WaitUntil(() => flushes.Text.Contains("\"Hi\"", StringComparison.Ordinal));
        var flushesForTheBurst = flushes.Flushes;
        channel.Writer.TryWrite(new ContentBlockDeltaEvent(0, new TextDelta(" there")));
        await WaitUntil(() => flushes.Text.Contains("\" there\"", StringComparison.Ordinal));
        channel.Writer.Complete();
        await writing;

        Assert.Equal(1, flushesForTheBurst);
        Assert.StartsWith("event: message_start", flushes.Text, StringComparison.Ordinal);
    }

    /// <summary>Records what reached the client and how many flushes carried it.</summary>
    private sealed class FlushCountingStream : MemoryStream
    {
        public int Flushes { get; private set; }

        public string Text => Encoding.UTF8.GetString(ToArray());

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private static async IAsyncEnumerable<StreamEvent> Events(params StreamEvent[] events)
    {
        foreach (var e in events)
        {
            await Task.Yield();
            yield return e;
        }
    }

    private static async IAsyncEnumerable<StreamEvent> Failing(Exception failure, params StreamEvent[] events)
    {
        foreach (var e in events)
        {
            await Task.Yield();
            yield return e;
        }

        throw failure;
    }
}
