using Microsoft.Data.Sqlite;

namespace CodexProxy.Usage;

/// <summary>
/// Reads <c>usage.db</c> for the commands (<c>usage</c>, <c>status</c>, <c>statusline</c>), read-only and without the
/// server: WAL mode lets a reader see every committed row while the server writes. A missing, locked or unreadable
/// database reads as no history.
/// </summary>
internal static class UsageHistoryReader
{
    /// <summary>Totals per group since <paramref name="since"/>, in key order (days oldest first). Days are calendar
    /// days at <paramref name="utcOffset"/> (the local offset of the moment of the report).</summary>
    public static IReadOnlyList<UsageTotals> Report(string path, UsageGrouping grouping, DateTimeOffset since, TimeSpan utcOffset)
    {
        var key = grouping switch
        {
            UsageGrouping.Day => "date((at_ms + $offset) / 1000, 'unixepoch')",
            UsageGrouping.Model => "coalesce(codex_model, '-')",
            UsageGrouping.Account => "account",
            UsageGrouping.Session => "coalesce(session, '-')",
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        var sql = $"""
            SELECT {key} AS k, count(*), sum(input_tokens), sum(cached_tokens), sum(output_tokens), sum(reasoning_tokens)
            FROM requests WHERE at_ms >= $since GROUP BY k ORDER BY k
            """;
        return Query(path, sql, command =>
        {
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$offset", (long)utcOffset.TotalMilliseconds);
        });
    }

    /// <summary>Everything since <paramref name="since"/> in one row, keyed "total".</summary>
    public static UsageTotals Total(string path, DateTimeOffset since)
    {
        const string Sql = """
            SELECT 'total', count(*), coalesce(sum(input_tokens), 0), coalesce(sum(cached_tokens), 0),
                   coalesce(sum(output_tokens), 0), coalesce(sum(reasoning_tokens), 0)
            FROM requests WHERE at_ms >= $since
            """;
        var rows = Query(path, Sql, command => command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds()));
        return rows.Count > 0 ? rows[0] : new UsageTotals("total", 0, 0, 0, 0, 0);
    }

    /// <summary>The session's last request and totals; null when the history has none of it. With
    /// <paramref name="requestedModel"/>, the last request for that model when there is one (Claude Code's background
    /// requests for its small model share the session).</summary>
    public static SessionUsage? Session(string path, string session, string? requestedModel = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            using var connection = UsageDatabase.OpenForReading(path);
            if (connection is null)
            {
                return null;
            }

            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT codex_model, account, at_ms, requested_model,
                       (SELECT count(*) FROM requests WHERE session = $session),
                       (SELECT coalesce(sum(input_tokens), 0) FROM requests WHERE session = $session),
                       (SELECT coalesce(sum(cached_tokens), 0) FROM requests WHERE session = $session),
                       (SELECT coalesce(sum(output_tokens), 0) FROM requests WHERE session = $session),
                       (SELECT coalesce(sum(reasoning_tokens), 0) FROM requests WHERE session = $session)
                FROM requests WHERE session = $session
                ORDER BY ($model IS NOT NULL AND requested_model IS $model) DESC, at_ms DESC, id DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$session", session);
            command.Parameters.AddWithValue("$model", (object?)requestedModel ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var totals = new UsageTotals(session, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
            return new SessionUsage(
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), totals);
        }
        catch (Exception e) when (e is SqliteException || UsageDatabase.IsUnavailable(e))
        {
            return null;
        }
    }

    private static List<UsageTotals> Query(string path, string sql, Action<SqliteCommand> bind)
    {
        var rows = new List<UsageTotals>();
        try
        {
            using var connection = UsageDatabase.OpenForReading(path);
            if (connection is null)
            {
                return rows;
            }

            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new UsageTotals(
                    reader.IsDBNull(0) ? "-" : reader.GetString(0),
                    reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
            }
        }
        catch (Exception e) when (e is SqliteException || UsageDatabase.IsUnavailable(e))
        {
            // A locked or unreadable history reads as none; the server logs and repairs it.
        }

        return rows;
    }
}
