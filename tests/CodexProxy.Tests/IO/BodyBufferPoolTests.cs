using CodexProxy.IO;
using Xunit;

namespace CodexProxy.Tests.IO;

public sealed class BodyBufferPoolTests
{
    [Fact]
    public async Task LargeArray_ReturnedOnOneThread_IsReusedOnAnother()
    {
        var pool = new BodyBufferPool();
        var first = pool.Rent(3_500_000);
        pool.Return(first);

        // The shared pool would keep it for the returning thread first; a history's next turn runs anywhere.
        var next = await Task.Run(() => pool.Rent(3_600_000), TestContext.Current.CancellationToken);

        Assert.Same(first, next);
        pool.Return(next);
    }

    [Fact]
    public void SmallArrays_ComeFromTheSharedPool()
    {
        var pool = new BodyBufferPool();
        var small = pool.Rent(16 * 1024);

        Assert.InRange(small.Length, 16 * 1024, BodyBufferPool.LargeBytes);
        pool.Return(small);
    }
}
