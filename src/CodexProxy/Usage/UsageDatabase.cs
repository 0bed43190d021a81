using System.Globalization;
using CodexProxy.Logging;
using Microsoft.Data.Sqlite;

namespace CodexProxy.Usage;

/// <summary>
/// <c>usage.db</c> in the proxy's home: one SQLite table of answered requests, in WAL mode (a reader never waits for
/// the writer, and a crash mid-write leaves only whole transactions), mode 0600. Opening it never throws for a locked
/// or corrupt file: a corrupt one is moved aside and a new one started; a locked one is the caller's to retry.
/// </summary>
internal static class UsageDatabase
{
    public const string FileName = "usage.db";

    /// <summary>The schema's version in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 1;

    // SQLite result codes (https://www.sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private static readonly string[] ParameterNames =
        ["$at", "$account", "$session", "$api", "$requested", "$codex", "$input", "$cached", "$output", "$reasoning", "$duration", "$outcome"];

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS requests (
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            account TEXT NOT NULL,
            session TEXT,
            api TEXT NOT NULL,
            requested_model TEXT,
            codex_model TEXT,
            input_tokens INTEGER NOT NULL,
            cached_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            outcome TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS requests_at ON requests (at_ms);
        CREATE INDEX IF NOT EXISTS requests_session ON requests (session, at_ms);
        """;

    public static string PathIn(string home) => Path.Combine(home, FileName);

    /// <summary>True for "another connection holds the database": worth a later retry, not a reset.</summary>
    public static bool IsBusy(SqliteException e) => e.SqliteErrorCode is SqliteBusy or SqliteLocked;

    /// <summary>SQLite cannot be used at all: its native library (shipped beside the binary) is missing or unloadable.</summary>
    public static bool IsUnavailable(Exception e) => e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException;

    /// <summary>True for a file that is not (or no longer) a readable database.</summary>
    public static bool IsCorrupt(SqliteException e) => e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase;

    /// <summary>Opens (creating when missing) the database for writing, with the schema in place.</summary>
    /// <exception cref="SqliteException">Locked (see <see cref="IsBusy"/>), corrupt, or another SQLite failure.</exception>
    public static SqliteConnection OpenForWriting(string path, TimeSpan busyTimeout)
    {
        CreatePrivately(path);
        var connection = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadWriteCreate, busyTimeout));
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            if (Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture) < SchemaVersion)
            {
                Execute(connection, Schema + $"PRAGMA user_version={SchemaVersion};");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing database read-only (commands that report); null when there is none yet.</summary>
    public static SqliteConnection? OpenForReading(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var connection = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadOnly, TimeSpan.FromSeconds(1)));
        connection.Open();
        return connection;
    }

    /// <summary>Moves a corrupt database (and its WAL and shared-memory files) aside; returns where it went.</summary>
    public static string MoveAside(string path, DateTimeOffset now)
    {
        var target = $"{path}.corrupt-{now.ToUniversalTime():yyyyMMddTHHmmssZ}";
        SqliteConnection.ClearAllPools();
        File.Move(path, target, overwrite: true);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, target + suffix, overwrite: true);
            }
        }

        return target;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string ConnectionString(string path, SqliteOpenMode mode, TimeSpan busyTimeout) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            // One long-lived connection for the writer, short ones for the commands: a pool only keeps files open.
            Pooling = false,
            // How long a statement waits for another connection's lock before giving up with SQLITE_BUSY.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();

    /// <summary>An empty file is a valid empty database; creating it first gives it mode 0600 (SQLite's WAL and
    /// shared-memory files take the database file's mode).</summary>
    private static void CreatePrivately(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        OwnerOnlyFile.EnsurePrivateDirectory(directory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = OwnerOnlyFile.OwnerReadWrite,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created by another process in the meantime.
            }
        }

        if ((File.GetUnixFileMode(path) & ~OwnerOnlyFile.OwnerReadWrite) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnlyFile.OwnerReadWrite);
        }
    }

    /// <summary>Inserts <paramref name="records"/> in one transaction.</summary>
    public static void Insert(SqliteConnection connection, IReadOnlyList<UsageRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO requests (at_ms, account, session, api, requested_model, codex_model, input_tokens, cached_tokens,
                                  output_tokens, reasoning_tokens, duration_ms, outcome)
            VALUES ($at, $account, $session, $api, $requested, $codex, $input, $cached, $output, $reasoning, $duration, $outcome)
            """;
        var parameters = ParameterNames.Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        foreach (var record in records)
        {
            object?[] values =
            [
                record.At.ToUnixTimeMilliseconds(), record.Account, record.Session, record.Api, record.RequestedModel, record.CodexModel,
                record.InputTokens, record.CachedTokens, record.OutputTokens, record.ReasoningTokens, record.DurationMs, record.Outcome,
            ];
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
