namespace CodexProxy.Codex;

/// <summary>Read-only wrapper over the upstream body: a read that sees no bytes for the idle timeout
/// throws <see cref="UpstreamTimeoutException"/>. There is no total timeout: long reasoning is normal.</summary>
internal sealed class IdleTimeoutStream(Stream inner, UpstreamIdleWatch watch) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        watch.Restart();
        try
        {
            return await inner.ReadAsync(buffer, watch.Token);
        }
        catch (Exception e) when (watch.Expired && e is OperationCanceledException or IOException)
        {
            throw new UpstreamTimeoutException(watch.Timeout);
        }
        finally
        {
            watch.Pause();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The upstream body is read asynchronously only.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            watch.Dispose();
        }

        base.Dispose(disposing);
    }
}
