using System.Text;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>The upstream body in pooled buffers: the same bytes the serializer's own array would hold, and every
/// array back in the pool once the body is disposed. End to end, <see cref="OutgoingBodyPoolingTests"/>.</summary>
public sealed class OutgoingBodyTests
{
    private static readonly CodexTurn Turn = new("thread-1", "turn-1", DateTimeOffset.UnixEpoch, TurnState: null);

    [Fact]
    public void Json_IsByteForByteWhatSerializeToUtf8BytesWrites_AndCompressedDecodesToIt()
    {
        // Large enough to grow the pooled buffer; non-ASCII and HTML-sensitive characters check the relaxed encoder.
        var history = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"{i}\t<a href='x'>&amp; 한국어 \"quoted\"</a>\n"));
        var request = new CodexRequest { Model = "gpt-5.5", Input = [new CodexMessageItem("user", [new CodexInputText(history)])] };
        var pool = new CountingArrayPool();

        using (var body = new OutgoingBody(request, Turn, "install-1", pool))
        {
            var expected = JsonSerializer.SerializeToUtf8Bytes(
                request with { ClientMetadata = CodexTurnHeaders.ClientMetadata(Turn, "install-1", body.TurnMetadata) },
                CodexJsonContext.Wire.CodexRequest);
            Assert.Equal(expected, body.Json.ToArray());
            using var decompressor = new ZstdSharp.Decompressor();
            Assert.Equal(expected, decompressor.Unwrap(body.Compressed.Span).ToArray());
            Assert.True(body.Compressed.Length < body.Json.Length / 2);
        }

        Assert.True(pool.Rented >= 3, "JSON (grown) and compressed buffers came from the pool");
        Assert.Equal((0, 0), (pool.Outstanding, pool.ForeignReturns));
    }

    [Fact]
    public void ClientBodySize_SizesTheFirstBuffer_SoABigHistoryTakesOneArray()
    {
        // A history of many items, its text as the proxy holds it: the client's own escaped bytes.
        var text = JsonSerializer.Serialize(string.Concat(Enumerable.Range(0, 100).Select(i => $"{i}\tline of a file\n")));
        var items = Enumerable.Range(0, 300).Select(_ =>
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
            reader.Read();
            return (CodexInputItem)new CodexMessageItem("user", [new CodexInputText(RawJsonString.Read(ref reader))]);
        }).ToList();
        var request = new CodexRequest { Model = "gpt-5.5", Input = items };
        var sized = new CountingArrayPool();
        var unsized = new CountingArrayPool();

        using (var hinted = new OutgoingBody(request with { ClientBodyBytes = 300 * (text.Length + 60) }, Turn, "install-1", sized))
        using (var doubling = new OutgoingBody(request, Turn, "install-1", unsized))
        {
            Assert.Equal(doubling.Json.ToArray(), hinted.Json.ToArray());
        }

        Assert.Equal(1, sized.Rented);
        Assert.True(unsized.Rented > 3, $"{unsized.Rented} arrays without the hint");
        Assert.Equal((0, 0), (sized.Outstanding, sized.ForeignReturns));
    }

    [Fact]
    public void ClientText_KeptAsItsBytes_IsWrittenAsTheClientSpelledIt()
    {
        // Spellings the relaxed encoder would not write (lowercase escapes, an escaped emoji, \/), repeated so the
        // pooled buffer grows through a raw write.
        var token = Encoding.UTF8.GetBytes("\"" + string.Concat(Enumerable.Repeat("caf\\u00e9 \\ud83d\\ude00 a\\/b\\u001b\\n", 4_000)) + "\"");
        var reader = new Utf8JsonReader(token);
        reader.Read();
        var text = RawJsonString.Read(ref reader);
        var request = new CodexRequest { Model = "gpt-5.5", Input = [new CodexMessageItem("user", [new CodexInputText(text)])] };
        var pool = new CountingArrayPool();

        using var body = new OutgoingBody(request, Turn, "install-1", pool);

        var expected = JsonSerializer.SerializeToUtf8Bytes(
            request with { ClientMetadata = CodexTurnHeaders.ClientMetadata(Turn, "install-1", body.TurnMetadata) },
            CodexJsonContext.Wire.CodexRequest);
        Assert.Equal(expected, body.Json.ToArray());
        Assert.True(body.Json.Span.IndexOf(token) > 0, "the client's token, byte for byte");
    }

    [Fact]
    public async Task Content_SendsThePooledBytesWithTheirLength()
    {
        var pool = new CountingArrayPool();
        using var body = new OutgoingBody(new CodexRequest { Model = "gpt-5.5", Input = [] }, Turn, "install-1", pool);

        using var content = body.Content(compressed: false);

        Assert.Equal(body.Json.Length, content.Headers.ContentLength);
        Assert.Equal(body.Json.ToArray(), await content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BodyDisposedWhileAWriteIsStillRunning_KeepsItsArraysUntilTheWriteEnds()
    {
        var pool = new CountingArrayPool();
        var body = new OutgoingBody(new CodexRequest { Model = "gpt-5.5", Input = [] }, Turn, "install-1", pool);
        using var content = body.Content(compressed: true);
        var stalled = new StalledStream();

        var write = content.CopyToAsync(stalled, TestContext.Current.CancellationToken);
        await stalled.WriteStarted.Task.WaitAsync(TestContext.Current.CancellationToken);
        body.Dispose();
        Assert.True(pool.Outstanding > 0, "the arrays went back while the write still used them");

        stalled.Resume.SetResult();
        await write;
        Assert.Equal((0, 0), (pool.Outstanding, pool.ForeignReturns));
        Assert.True(stalled.Length > 0);
        var late = await Assert.ThrowsAsync<HttpRequestException>(() => content.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken));
        Assert.IsType<ObjectDisposedException>(late.InnerException);
    }

    /// <summary>A stream whose first write waits until the test lets it go, like a socket a large body fills.</summary>
    private sealed class StalledStream : MemoryStream
    {
        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteStarted.TrySetResult();
            await Resume.Task.WaitAsync(cancellationToken);
            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
