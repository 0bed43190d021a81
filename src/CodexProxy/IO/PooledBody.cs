using System.Buffers;

namespace CodexProxy.IO;

/// <summary>
/// A whole request body read into one rented array (sized by its declared length when there is one), parsed in a
/// single pass over one span. Compared with the stream deserializer this needs no growing buffer of its own and no
/// large-object-heap array per request, and reads every byte once: the stream deserializer has to buffer and re-scan
/// each value a custom converter handles before it can call that converter. Dispose returns the array.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private const int InitialBytes = 64 * 1024;

    /// <summary>A declared length is trusted for the first buffer only up to this; a larger body grows into more.</summary>
    private const int MaxInitialBytes = 16 * 1024 * 1024;

    private byte[] _buffer;
    private int _length;

    private PooledBody(int capacity) => _buffer = BodyBufferPool.Instance.Rent(capacity);

    /// <summary>The bytes read.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Reads <paramref name="stream"/> to its end. Whatever the stream throws (a size limit, a cancellation)
    /// propagates after the buffer is returned.</summary>
    public static async Task<PooledBody> ReadAsync(Stream stream, long? declaredLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // One spare byte so that reaching the end of a declared-length body needs no second buffer.
        var capacity = declaredLength is > 0 ? (int)Math.Min(declaredLength.Value + 1, MaxInitialBytes) : InitialBytes;
        var body = new PooledBody(capacity);
        try
        {
            while (true)
            {
                if (body._length == body._buffer.Length)
                {
                    body.Grow();
                }

                var read = await stream.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken);
                if (read == 0)
                {
                    return body;
                }

                body._length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            BodyBufferPool.Instance.Return(buffer);
        }
    }

    private void Grow()
    {
        var larger = BodyBufferPool.Instance.Rent(checked(_buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        BodyBufferPool.Instance.Return(_buffer);
        _buffer = larger;
    }
}
