using System.Globalization;
using System.Text.Json.Serialization;
using CodexProxy.Usage;

namespace CodexProxy.Cli;

/// <summary>What <c>usage</c> shows, and what <c>usage --json</c> prints.</summary>
internal sealed record UsageReport(
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("days")] int Days,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("rows")] IReadOnlyList<UsageReportRow> Rows,
    [property: JsonPropertyName("total")] UsageReportRow Total)
{
    /// <summary>The last <paramref name="days"/> calendar days, today included, in the local time zone.</summary>
    public static UsageReport Build(string databasePath, UsageGrouping grouping, int days, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var since = LocalMidnight(time).AddDays(-(Math.Max(days, 1) - 1));
        var offset = time.LocalTimeZone.GetUtcOffset(time.GetUtcNow());
        var rows = UsageHistoryReader.Report(databasePath, grouping, since, offset);
        var total = new UsageTotals("total", rows.Sum(r => r.Requests), rows.Sum(r => r.Input), rows.Sum(r => r.Cached),
            rows.Sum(r => r.Output), rows.Sum(r => r.Reasoning));
        return new UsageReport(grouping.ToString().ToLowerInvariant(), days, since, [.. rows.Select(UsageReportRow.From)], UsageReportRow.From(total));
    }

    /// <summary>Today's first instant in the local time zone.</summary>
    public static DateTimeOffset LocalMidnight(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), time.LocalTimeZone);
        return new DateTimeOffset(local.Date, local.Offset);
    }

    /// <summary>A token count at a glance: 950, 12.3k, 4.56M.</summary>
    public static string Tokens(long count) => count switch
    {
        >= 1_000_000_000 => (count / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "G",
        >= 1_000_000 => (count / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (count / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => count.ToString(CultureInfo.InvariantCulture),
    };

    public static string Percent(double? ratio) =>
        ratio is { } r ? (r * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "-";
}

internal sealed record UsageReportRow(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("cached_tokens")] long CachedTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens,
    [property: JsonPropertyName("reasoning_tokens")] long ReasoningTokens,
    [property: JsonPropertyName("cache_hit_ratio")] double? CacheHitRatio)
{
    public static UsageReportRow From(UsageTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return new UsageReportRow(totals.Key, totals.Requests, totals.Input, totals.Cached, totals.Output, totals.Reasoning,
            totals.CacheHitRatio is { } ratio ? Math.Round(ratio, 4) : null);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(UsageReport))]
internal sealed partial class UsageReportJsonContext : JsonSerializerContext;
