using CodexProxy.IO;

namespace CodexProxy.Hosting;

/// <summary>A read-only view of a request body that throws <see cref="RequestTooLargeException"/> once more than
/// <paramref name="limit"/> bytes came through. Reads go straight to the inner stream: nothing is buffered or copied.</summary>
internal sealed class BodyLimitStream(Stream inner, long limit) : ReadOnlyStream
{
    private long _read;

    public long Limit => limit;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));


    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new RequestTooLargeException(limit) : read;
    }
}
