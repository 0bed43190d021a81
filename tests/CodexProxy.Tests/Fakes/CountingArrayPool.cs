using System.Buffers;
using System.Collections.Concurrent;

namespace CodexProxy.Tests.Fakes;

/// <summary>An <see cref="ArrayPool{T}"/> that remembers every array it lent out, so a test can assert that each one
/// came back exactly once (and nothing it never lent was returned).</summary>
internal sealed class CountingArrayPool : ArrayPool<byte>
{
    private readonly ConcurrentDictionary<byte[], bool> _lent = new(ReferenceEqualityComparer.Instance);
    private int _rented;
    private int _foreignReturns;

    /// <summary>Every <see cref="Rent"/> so far.</summary>
    public int Rented => Volatile.Read(ref _rented);

    /// <summary>Arrays lent out and not yet returned.</summary>
    public int Outstanding => _lent.Count;

    /// <summary>Returns of arrays this pool did not lend, or returned twice.</summary>
    public int ForeignReturns => Volatile.Read(ref _foreignReturns);

    public override byte[] Rent(int minimumLength)
    {
        var array = GC.AllocateUninitializedArray<byte>(Math.Max(minimumLength, 16));
        _lent[array] = true;
        Interlocked.Increment(ref _rented);
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        if (!_lent.TryRemove(array, out _))
        {
            Interlocked.Increment(ref _foreignReturns);
        }
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) for work that ends after the client's answer, such as a
    /// cancelled upstream call unwinding, to give its arrays back.</summary>
    public async Task<int> OutstandingAfterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Outstanding > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        return Outstanding;
    }
}
