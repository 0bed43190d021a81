using System.IO.Pipelines;
using System.Net.WebSockets;
using CodexProxy.Codex;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>Who gets a socket when there are more conversations than sockets.</summary>
public sealed class CodexWebSocketPoolTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> _sockets = [];

    [Fact]
    public void BelowCapacity_HasRoom()
    {
        using var pool = new CodexWebSocketPool(_time, capacity: 2);
        Add(pool, "a");

        Assert.True(pool.HasRoom());
    }

    [Fact]
    public void FullOfRecentlyUsedSockets_HasNoRoom_AndKeepsThemAll()
    {
        using var pool = new CodexWebSocketPool(_time, capacity: 2);
        var a = Add(pool, "a");
        _time.Advance(TimeSpan.FromSeconds(30));
        var b = Add(pool, "b");
        _time.Advance(CodexWebSocketPool.ReplaceableAfter - TimeSpan.FromSeconds(31));

        Assert.False(pool.HasRoom());
        Assert.Same(a, Find(pool, "a"));
        Assert.Same(b, Find(pool, "b"));
    }

    [Fact]
    public void FullWithASocketIdleLongEnough_HasRoom_AndTheNewSocketReplacesTheLeastRecentlyUsed()
    {
        using var pool = new CodexWebSocketPool(_time, capacity: 2);
        var a = Add(pool, "a");
        var b = Add(pool, "b");
        _time.Advance(CodexWebSocketPool.ReplaceableAfter);
        Assert.Same(b, Find(pool, "b")); // b is used again, a is not

        Assert.True(pool.HasRoom());
        var c = Add(pool, "c");

        Assert.Null(Find(pool, "a"));
        Assert.False(a.IsUsable);
        Assert.Same(b, Find(pool, "b"));
        Assert.Same(c, Find(pool, "c"));
    }

    [Fact]
    public void FullWithAClosedSocket_HasRoom()
    {
        using var pool = new CodexWebSocketPool(_time, capacity: 2);
        Add(pool, "a").Abandon();
        Add(pool, "b");

        Assert.True(pool.HasRoom());
    }

    [Fact]
    public void BusySocket_IsNeverReplaced_HoweverLongAgoItsTurnBegan()
    {
        using var pool = new CodexWebSocketPool(_time, capacity: 1);
        var a = Add(pool, "a");
        Assert.True(a.TryAcquire());
        _time.Advance(CodexWebSocketPool.ReplaceableAfter * 2);

        Assert.False(pool.HasRoom());
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private static CodexWebSocketConnection? Find(CodexWebSocketPool pool, string conversation) =>
        pool.Find(CodexWebSocketPool.Key(conversation, "acct"));

    private CodexWebSocketConnection Add(CodexWebSocketPool pool, string conversation)
    {
        var key = CodexWebSocketPool.Key(conversation, "acct");
        var connection = new CodexWebSocketConnection(OpenSocket(), "acct", "credential", _time.GetUtcNow());
        Assert.True(pool.TryAdd(key, connection));
        return connection;
    }

    /// <summary>An open client WebSocket over an in-memory stream: nothing is sent or read in these tests.</summary>
    private WebSocket OpenSocket()
    {
        var pipe = new Pipe();
        var stream = new DuplexStream(pipe.Reader.AsStream(), pipe.Writer.AsStream());
        _sockets.Add(stream);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
    }

    private sealed class DuplexStream(Stream reading, Stream writing) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => writing.Flush();

        public override int Read(byte[] buffer, int offset, int count) => reading.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => writing.Write(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                reading.Dispose();
                writing.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
