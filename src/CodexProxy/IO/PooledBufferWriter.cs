using System.Buffers;

namespace CodexProxy.IO;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one rented array that doubles as it fills, for output whose size is not
/// known in advance (a serialised upstream body): unlike <see cref="ArrayBufferWriter{T}"/> it leaves no
/// large-object-heap array behind per use. Dispose returns the array; the written bytes are not valid after that.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialBytes = 64 * 1024;

    private readonly ArrayPool<byte> _pool;
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(ArrayPool<byte> pool, int initialCapacity = InitialBytes)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
        _buffer = pool.Rent(Math.Max(initialCapacity, 256));
    }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>Forgets what was written and keeps the array, for the next use.</summary>
    public void Clear() => _written = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            _pool.Return(buffer);
        }
    }

    private void Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var larger = _pool.Rent(checked(Math.Max(_buffer.Length * 2, _written + needed)));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        _pool.Return(_buffer);
        _buffer = larger;
    }
}
