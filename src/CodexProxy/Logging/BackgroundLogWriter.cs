using System.Text;
using System.Threading.Channels;

namespace CodexProxy.Logging;

/// <summary>
/// Writes finished log lines to the console and the log file from one background task, a batch at a time: a request
/// never waits on a write, and under load many lines cost one console write and one file write instead of two
/// system calls each. Batches are at least <see cref="WriteInterval"/> apart, so a busy proxy writes a few times a
/// second rather than once per request; a line that arrives after a quiet spell is written at once. The queue is
/// bounded; if it ever fills, lines are counted and the count is logged instead. Disposing drains what is queued, so
/// nothing logged before shutdown is lost.
/// </summary>
internal sealed class BackgroundLogWriter : IDisposable
{
    private const int MaxQueuedLines = 16_384;
    private const int MaxBatchChars = 256 * 1024;
    private static readonly TimeSpan DrainOnDisposeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest a line waits for the lines after it: under load, lines otherwise trickled out a few at a
    /// time, each batch two system calls (bench/README.md, eighth pass).</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(20);

    private readonly Channel<QueuedLine> _lines = Channel.CreateBounded<QueuedLine>(new BoundedChannelOptions(MaxQueuedLines)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly TextWriter _console;
    private readonly RollingLogFile _file;
    private readonly Task _drain;
    private long _dropped;

    public BackgroundLogWriter(TextWriter console, RollingLogFile file)
    {
        _console = console;
        _file = file;
        _drain = Task.Run(DrainAsync);
    }

    public void Enqueue(string line)
    {
        if (!_lines.Writer.TryWrite(new QueuedLine(line, Flushed: null)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once every line queued before the call is written (or dropped).</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _lines.Writer.TryWrite(new QueuedLine(Line: null, flushed)) ? flushed.Task : Task.CompletedTask;
    }

    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _drain.Wait(DrainOnDisposeTimeout);
        _file.Dispose();
    }

    private async Task DrainAsync()
    {
        var batch = new StringBuilder();
        var flushes = new List<TaskCompletionSource>();
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Length < MaxBatchChars && reader.TryRead(out var queued))
            {
                if (queued.Flushed is { } flushed)
                {
                    flushes.Add(flushed);
                }
                else
                {
                    batch.Append(queued.Line).Append(Environment.NewLine);
                }
            }

            if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
            {
                batch.Append($"{dropped} log lines were dropped: the log could not be written as fast as it was produced.").Append(Environment.NewLine);
            }

            if (batch.Length > 0)
            {
                Write(batch.ToString());
            }

            foreach (var flushed in flushes)
            {
                flushed.SetResult();
            }

            flushes.Clear();

            // Pacing only, not a clock reading: the real interval even under a test's fake time.
            await Task.Delay(WriteInterval).ConfigureAwait(false);
        }
    }

    /// <summary>A line, or a request to be told when the lines before it are written.</summary>
    private readonly record struct QueuedLine(string? Line, TaskCompletionSource? Flushed);

    private void Write(string text)
    {
        _file.Write(text);
        if (_file.TakeFailure() is { } failure)
        {
            text += $"The log file is not written: {failure}{Environment.NewLine}";
        }

        WriteToConsole(text);
    }

    private void WriteToConsole(string text)
    {
        try
        {
            _console.Write(text);
            _console.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A closed stderr (a detached background proxy) must not stop the file sink.
        }
    }
}
