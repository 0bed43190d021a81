using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace CodexProxy.Usage;

/// <summary>
/// Records answered requests in <c>usage.db</c> off the request path: <see cref="TryRecord"/> only queues (bounded);
/// one background loop writes what is queued in batches, one transaction each, and prunes rows older than
/// <see cref="Retention"/> when it opens the database and once a day after. Nothing here ever fails a request: a locked
/// database keeps the rows in memory (bounded) until it is free, a corrupt one is moved aside and replaced, and each
/// kind of trouble is logged once until the history works again.
/// </summary>
internal sealed class UsageHistoryWriter : IHostedService, IAsyncDisposable
{
    public const int Capacity = 10_000;

    public const int MaxBatch = 512;

    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    public static readonly TimeSpan PruneInterval = TimeSpan.FromDays(1);

    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the loop gathers rows after the first one before it writes: under load one transaction then
    /// carries dozens of rows instead of one (each commit is a WAL write and file locks). Short enough that the status
    /// line never shows a finished turn late.</summary>
    public static readonly TimeSpan DefaultBatchWindow = TimeSpan.FromMilliseconds(25);

    private readonly Channel<UsageRecord> _queue = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly List<UsageRecord> _pending = [];
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _busyTimeout;
    private readonly TimeSpan _batchWindow;
    private readonly CancellationTokenSource _stopping = new();
    private SqliteConnection? _connection;
    private Task? _loop;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private Trouble _trouble;
    private long _dropped;

    public UsageHistoryWriter(
        string path, TimeProvider time, ILogger<UsageHistoryWriter> logger, TimeSpan? busyTimeout = null, TimeSpan? batchWindow = null)
    {
        _path = path;
        _time = time;
        _logger = logger;
        _busyTimeout = busyTimeout ?? DefaultBusyTimeout;
        _batchWindow = batchWindow ?? DefaultBatchWindow;
    }

    private enum Trouble
    {
        None,
        Locked,
        Failed,
    }

    public string Path => _path;

    /// <summary>Queues one row; false (and counted, logged on the next write) when the queue is full.</summary>
    public bool TryRecord(UsageRecord record)
    {
        if (_queue.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Writes what is queued, then closes the database.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        CloseConnection();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<UsageRecord>(MaxBatch);
        TryOpen();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await GatherAsync().ConfigureAwait(false);
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            Write(batch);
        }

        CloseConnection();
    }

    /// <summary>Lets more rows arrive for <see cref="DefaultBatchWindow"/>; a stop cuts it short.</summary>
    private async Task GatherAsync()
    {
        if (_batchWindow <= TimeSpan.Zero || _stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await Task.Delay(_batchWindow, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: write what is queued now.
        }
    }

    private void Write(List<UsageRecord> batch)
    {
        if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
        {
            UsageLog.QueueFull(_logger, dropped);
        }

        _pending.AddRange(batch);
        if (!TryOpen())
        {
            KeepPendingWithinCapacity();
            return;
        }

        try
        {
            PruneIfDue();
            UsageDatabase.Insert(_connection!, _pending);
            _pending.Clear();
            Recovered();
        }
        catch (SqliteException e) when (UsageDatabase.IsCorrupt(e))
        {
            ReplaceCorrupt(e);
            if (TryOpen())
            {
                Write([]);
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }

        KeepPendingWithinCapacity();
    }

    /// <summary>Opens the database when it is not open; false (logged) when it cannot be opened now.</summary>
    private bool TryOpen()
    {
        if (_connection is not null)
        {
            return true;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                _connection = UsageDatabase.OpenForWriting(_path, _busyTimeout);
                PruneIfDue();
                return true;
            }
            catch (SqliteException e) when (UsageDatabase.IsCorrupt(e) && attempt == 0)
            {
                ReplaceCorrupt(e);
            }
            catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException || UsageDatabase.IsUnavailable(e))
            {
                Fail(e);
                return false;
            }
        }

        return false;
    }

    private void ReplaceCorrupt(SqliteException e)
    {
        CloseConnection();
        try
        {
            var movedTo = UsageDatabase.MoveAside(_path, _time.GetUtcNow());
            UsageLog.MovedAsideCorrupt(_logger, _path, movedTo, e);
        }
        catch (Exception moveFailure) when (moveFailure is IOException or UnauthorizedAccessException)
        {
            Fail(moveFailure);
        }
    }

    /// <summary>Logs the first failure of a kind; a locked database keeps its connection (the lock is someone else's).</summary>
    private void Fail(Exception e)
    {
        var kind = e is SqliteException sqlite && UsageDatabase.IsBusy(sqlite) ? Trouble.Locked : Trouble.Failed;
        if (kind == Trouble.Failed)
        {
            CloseConnection();
        }

        if (_trouble == kind)
        {
            return;
        }

        _trouble = kind;
        if (kind == Trouble.Locked)
        {
            UsageLog.Locked(_logger, _path, e);
        }
        else
        {
            UsageLog.WriteFailed(_logger, _path, e);
        }
    }

    private void Recovered()
    {
        if (_trouble != Trouble.None)
        {
            _trouble = Trouble.None;
            UsageLog.Recovered(_logger, _path);
        }
    }

    /// <summary>Rows waiting for a locked database are kept up to <see cref="Capacity"/>; the oldest go first.</summary>
    private void KeepPendingWithinCapacity()
    {
        if (_pending.Count > Capacity)
        {
            var excess = _pending.Count - Capacity;
            _pending.RemoveRange(0, excess);
            UsageLog.QueueFull(_logger, excess);
        }
    }

    private void PruneIfDue()
    {
        var now = _time.GetUtcNow();
        if (now - _lastPrune < PruneInterval)
        {
            return;
        }

        var cutoff = now - Retention;
        using var command = _connection!.CreateCommand();
        command.CommandText = "DELETE FROM requests WHERE at_ms < $cutoff";
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        var rows = command.ExecuteNonQuery();
        _lastPrune = now;
        if (rows > 0)
        {
            UsageLog.Pruned(_logger, rows, cutoff);
        }
    }

    private void CloseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
