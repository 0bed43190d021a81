using CodexProxy.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static CodexProxy.Tests.Usage.UsageHistoryTestData;

namespace CodexProxy.Tests.Usage;

public sealed class UsageHistoryWriterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("cxp-history-");
    private readonly FakeTimeProvider _time = new(Now);
    private readonly FakeLogger<UsageHistoryWriter> _logger = new();

    private string DatabasePath => UsageDatabase.PathIn(_home.FullName);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _home.Delete(recursive: true);
    }

    [Fact]
    public async Task RowsOfOneWriter_AreReadByANewWriterAfterARestart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var first = await StartAsync())
        {
            Assert.True(first.TryRecord(Row(Now, input: 100, cached: 40)));
            Assert.True(first.TryRecord(Row(Now, input: 200, cached: 60)));
        }

        await using (var second = await StartAsync())
        {
            second.TryRecord(Row(Now, input: 300, cached: 100, session: "session-b"));
            await WaitForRowsAsync(DatabasePath, 3, ct);
        }

        var total = UsageHistoryReader.Total(DatabasePath, Now.AddDays(-1));
        Assert.Equal(3, total.Requests);
        Assert.Equal(600, total.Input);
        Assert.Equal(200, total.Cached);
        var session = UsageHistoryReader.Session(DatabasePath, "session-a");
        Assert.NotNull(session);
        Assert.Equal(2, session.Totals.Requests);
        Assert.Equal("gpt-6.1-sol", session.CodexModel);
        Assert.Equal(UsageRecord.DefaultAccount, session.Account);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
        }
    }

    [Fact]
    public async Task CrashInTheMiddleOfATransaction_LeavesOnlyCommittedRows_AndTheHistoryOpens()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var writer = await StartAsync())
        {
            for (var i = 0; i < 10; i++)
            {
                writer.TryRecord(Row(Now));
            }
        }

        // What a crash leaves on disk: the database and its WAL while a large transaction is half written (a tiny page
        // cache makes SQLite spill the uncommitted pages into the WAL before any commit).
        var crashed = Directory.CreateDirectory(Path.Combine(_home.FullName, "crashed"));
        var crashedPath = UsageDatabase.PathIn(crashed.FullName);
        using (var connection = UsageDatabase.OpenForWriting(DatabasePath, TimeSpan.FromSeconds(1)))
        {
            UsageDatabase.Execute(connection, "PRAGMA cache_size=1; PRAGMA wal_autocheckpoint=0;");
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO requests (at_ms, account, api, input_tokens, cached_tokens, output_tokens, reasoning_tokens, duration_ms, outcome)
                SELECT 0, 'default', 'anthropic', value, 0, 0, 0, 0, 'ok' FROM generate_series(1, 20000)
                """;
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // generate_series is not compiled in: insert row by row instead.
                insert.CommandText = "INSERT INTO requests (at_ms, account, api, input_tokens, cached_tokens, output_tokens, reasoning_tokens, duration_ms, outcome) VALUES (0, 'default', 'anthropic', 1, 0, 0, 0, 0, 'ok')";
                for (var i = 0; i < 20000; i++)
                {
                    insert.ExecuteNonQuery();
                }
            }

            Assert.True(new FileInfo(DatabasePath + "-wal").Length > 0, "the uncommitted pages should have reached the WAL");
            File.Copy(DatabasePath, crashedPath);
            File.Copy(DatabasePath + "-wal", crashedPath + "-wal");
            transaction.Rollback();
        }

        Assert.Equal(10, Count(crashedPath));
        await using (var writer = new UsageHistoryWriter(crashedPath, _time, _logger))
        {
            await writer.StartAsync(ct);
            writer.TryRecord(Row(Now));
        }

        Assert.Equal(11, Count(crashedPath));
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task RowsOfABurst_WaitForTheBatchWindow_ThenAreWrittenTogether_AndAStopWritesAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var window = TimeSpan.FromSeconds(5);
        var writer = new UsageHistoryWriter(DatabasePath, _time, _logger, batchWindow: window);
        await writer.StartAsync(ct);
        await using (writer)
        {
            writer.TryRecord(Row(Now));
            writer.TryRecord(Row(Now));
            await Task.Delay(200, ct);
            Assert.Equal(0, UsageHistoryReader.Total(DatabasePath, Now.AddDays(-1)).Requests);

            _time.Advance(window);
            await WaitForRowsAsync(DatabasePath, 2, ct);

            writer.TryRecord(Row(Now));
            await Task.Delay(100, ct);
        }

        // The third row's window had not passed: stopping wrote it without waiting for the clock.
        Assert.Equal(3, UsageHistoryReader.Total(DatabasePath, Now.AddDays(-1)).Requests);
    }

    [Fact]
    public async Task RowsOlderThanTheRetention_ArePrunedOnStartAndDaily()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var writer = await StartAsync())
        {
            writer.TryRecord(Row(Now - TimeSpan.FromDays(120)));
            writer.TryRecord(Row(Now - TimeSpan.FromDays(89)));
            writer.TryRecord(Row(Now));
        }

        Assert.Equal(3, Count(DatabasePath));
        await using (var writer = await StartAsync())
        {
            // The prune on start runs before the first row is written.
            writer.TryRecord(Row(Now, session: "after-start"));
            await WaitForSessionAsync("after-start", ct);
            Assert.Equal(3, Count(DatabasePath));

            // A day and a half later the 89-day-old row is past the retention, and the daily prune takes it.
            _time.Advance(TimeSpan.FromDays(1.5));
            writer.TryRecord(Row(_time.GetUtcNow()));
        }

        Assert.Equal(3, Count(DatabasePath));
        Assert.Equal(3, UsageHistoryReader.Total(DatabasePath, Now).Requests);
    }

    [Fact]
    public async Task GarbageInTheFile_IsMovedAside_AndANewHistoryStarts_LoggedOnce()
    {
        var garbage = new byte[8192];
        new Random(14).NextBytes(garbage);
        await File.WriteAllBytesAsync(DatabasePath, garbage, TestContext.Current.CancellationToken);

        await using (var writer = await StartAsync())
        {
            writer.TryRecord(Row(Now));
            writer.TryRecord(Row(Now));
        }

        Assert.Equal(2, Count(DatabasePath));
        var movedAside = Assert.Single(Directory.GetFiles(_home.FullName, "usage.db.corrupt-*"));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(movedAside, TestContext.Current.CancellationToken));
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("moved it aside", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockedByAnotherConnection_RowsWaitUntilItIsFree_AndTheLockIsLoggedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var writer = await StartAsync(busyTimeout: TimeSpan.FromMilliseconds(200));
        writer.TryRecord(Row(Now));
        await WaitForRowsAsync(DatabasePath, 1, ct);

        using (var holder = UsageDatabase.OpenForWriting(DatabasePath, TimeSpan.FromSeconds(1)))
        {
            UsageDatabase.Execute(holder, "BEGIN EXCLUSIVE");
            writer.TryRecord(Row(Now));
            writer.TryRecord(Row(Now));
            await WaitForLogAsync("locked", ct);
            Assert.Equal(1, Count(DatabasePath));
            UsageDatabase.Execute(holder, "ROLLBACK");
        }

        writer.TryRecord(Row(Now));
        await WaitForRowsAsync(DatabasePath, 4, ct);
        var warnings = _logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();
        Assert.Single(warnings);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Message.Contains("written again", StringComparison.Ordinal));
    }

    private async Task<UsageHistoryWriter> StartAsync(TimeSpan? busyTimeout = null)
    {
        var writer = new UsageHistoryWriter(DatabasePath, _time, _logger, busyTimeout, batchWindow: TimeSpan.Zero);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        return writer;
    }

    private async Task WaitForSessionAsync(string session, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (UsageHistoryReader.Session(DatabasePath, session) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no row of {session}");
            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task WaitForLogAsync(string text, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!_logger.Collector.GetSnapshot().Any(r => r.Message.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line with '{text}'");
            await Task.Delay(20, cancellationToken);
        }
    }
}
