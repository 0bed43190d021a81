using System.Text;
using CodexProxy.Logging;
using Xunit;

namespace CodexProxy.Tests.Logging;

public sealed class BackgroundLogWriterTests
{
    [Fact]
    public void BurstAfterAWrite_GoesOutInAFewBatches()
    {
        var directory = Directory.CreateTempSubdirectory("cxp-log-").FullName;
        try
        {
            var console = new CountingWriter();
            using (var writer = new BackgroundLogWriter(console, new RollingLogFile(Path.Combine(directory, "proxy.log"))))
            {
                writer.Enqueue("first");
                Assert.True(SpinWait.SpinUntil(() => console.Flushes > 0, TimeSpan.FromSeconds(10)));

                // Queued while the writer waits out its interval after "first": written together, not one by one.
                for (var i = 0; i < 50; i++)
                {
                    writer.Enqueue($"line {i}");
                }
            }

            Assert.Equal(51, console.Text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.InRange(console.Flushes, 2, 10);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task FlushAsync_CompletesOnceEveryEarlierLineIsInBothSinks()
    {
        var directory = Directory.CreateTempSubdirectory("cxp-log-").FullName;
        try
        {
            var path = Path.Combine(directory, "proxy.log");
            var console = new CountingWriter();
            using var writer = new BackgroundLogWriter(console, new RollingLogFile(path));
            for (var i = 0; i < 200; i++)
            {
                writer.Enqueue($"line {i}");
            }

            await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            Assert.Equal(200, File.ReadAllLines(path).Length);
            Assert.Equal(200, console.Text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void BufferedStandardError_HoldsTextUntilFlushed()
    {
        using var error = LogSinks.BufferedStandardError();

        Assert.IsType<StreamWriter>(error);
        Assert.False(((StreamWriter)error).AutoFlush);
    }

    /// <summary>A console sink that counts the batches it was handed (one flush each).</summary>
    private sealed class CountingWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private int _flushes;

        public override Encoding Encoding => Encoding.UTF8;

        public int Flushes => Volatile.Read(ref _flushes);

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Flush() => Interlocked.Increment(ref _flushes);
    }
}
