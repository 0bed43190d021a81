using System.Text.Json;
using CodexProxy.IO;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.IO;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void GrowingPastTheFirstBuffer_KeepsTheBytes_AndDisposeReturnsEveryArray()
    {
        var pool = new CountingArrayPool();
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i}\tü\n"));
        using (var buffer = new PooledBufferWriter(pool, initialCapacity: 1024))
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStringValue(text);
            }

            Assert.Equal(text, JsonSerializer.Deserialize<string>(buffer.WrittenSpan));
            Assert.True(pool.Rented >= 2, "the buffer grew");
            Assert.Equal(1, pool.Outstanding);
        }

        Assert.Equal((0, 0), (pool.Outstanding, pool.ForeignReturns));
    }

    [Fact]
    public void AfterDispose_WritingThrows_AndASecondDisposeReturnsNothing()
    {
        var pool = new CountingArrayPool();
        var buffer = new PooledBufferWriter(pool);
        buffer.Dispose();
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan(1));
        Assert.Equal((1, 0, 0), (pool.Rented, pool.Outstanding, pool.ForeignReturns));
    }
}
