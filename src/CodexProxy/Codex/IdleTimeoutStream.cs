using CodexProxy.IO;

namespace CodexProxy.Codex;

/// <summary>Read-only wrapper over the upstream body: a read that sees no bytes for the idle timeout
/// throws <see cref="UpstreamTimeoutException"/>. There is no total timeout: long reasoning is normal.</summary>
internal sealed class IdleTimeoutStream(Stream inner, UpstreamIdleWatch watch) : ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await watch.WaitAsync(inner.ReadAsync(buffer, watch.Token));
        }
        catch (Exception e) when (watch.Expired && e is OperationCanceledException or IOException)
        {
            throw new UpstreamTimeoutException(watch.Timeout);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The upstream body is read asynchronously only.");


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
