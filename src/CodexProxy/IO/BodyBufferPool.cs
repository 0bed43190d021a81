using System.Buffers;

namespace CodexProxy.IO;

/// <summary>
/// Buffers for request and upstream bodies. Small ones come from <see cref="ArrayPool{T}.Shared"/>, which is fastest
/// when many requests are in flight. Large ones (a long history: megabytes each) come from one pool shared by all
/// threads (<see cref="ArrayPool{T}.Create(int, int)"/>, two arrays per size): the shared pool keeps an array for the
/// thread that returned it, and a conversation whose requests grow turn after turn, each served on whichever thread
/// is free, left arrays of each size behind on several threads (peak RSS with a 3.5 MB history 74–87 MB, 68–76 MB
/// with this; bench/README.md).
/// </summary>
internal sealed class BodyBufferPool : ArrayPool<byte>
{
    /// <summary>Arrays longer than this are large.</summary>
    public const int LargeBytes = 1024 * 1024;

    public static BodyBufferPool Instance { get; } = new();


    private readonly ArrayPool<byte> _large = Create(maxArrayLength: 256 * 1024 * 1024, maxArraysPerBucket: 2);

    public override byte[] Rent(int minimumLength) => minimumLength > LargeBytes ? _large.Rent(minimumLength) : Shared.Rent(minimumLength);

    /// <summary>By length: a rented array is at least as long as asked, and the shared pool's never exceed
    /// <see cref="LargeBytes"/> when asked for at most that.</summary>
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length > LargeBytes)
        {
            _large.Return(array, clearArray);
        }
        else
        {
            Shared.Return(array, clearArray);
        }
    }
}
