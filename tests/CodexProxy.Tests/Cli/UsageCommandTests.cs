using System.Text.Json;
using CodexProxy.Cli;
using CodexProxy.Tests.Auth;
using CodexProxy.Tests.Fakes;
using CodexProxy.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static CodexProxy.Tests.Usage.UsageHistoryTestData;

namespace CodexProxy.Tests.Cli;

/// <summary><c>usage</c> over a history with known rows: the groups, the sums and the cache hit ratio, as a table and
/// as JSON. The clock is 14:00 on 6 December in a UTC+2 zone, so a row at 23:30 UTC on the 5th counts for the 6th.</summary>
public sealed class UsageCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("cxp-usage-cmd-");
    private readonly FakeTimeProvider _time = new(Now);

    public UsageCommandTests() =>
        _time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("UTC+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2"));

    private string DatabasePath => UsageDatabase.PathIn(_home.FullName);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _home.Delete(recursive: true);
    }

    [Fact]
    public async Task ByDay_GroupsByLocalCalendarDay_WithTotalsRatioAndChart()
    {
        await SeedAsync();

        var output = Run(UsageGrouping.Day, days: 7, json: false);

        await AssertGoldenAsync("usage-by-day.expected.txt", output);
    }

    [Fact]
    public async Task ByModel_Json_HasTheSumsAndTheCacheHitRatioOfEachModel()
    {
        await SeedAsync();

        using var json = JsonDocument.Parse(Run(UsageGrouping.Model, days: 7, json: true));

        var root = json.RootElement;
        Assert.Equal("model", root.GetProperty("by").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.FromHours(2)), root.GetProperty("since").GetDateTimeOffset());
        var rows = root.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(["gpt-6-luna", "gpt-6.1-sol"], rows.Keys);
        Assert.Equal((2, 900, 100, 30, 5), Sums(rows["gpt-6-luna"]));
        Assert.Equal(0.1111, rows["gpt-6-luna"].GetProperty("cache_hit_ratio").GetDouble());
        Assert.Equal((2, 3000, 2600, 150, 30), Sums(rows["gpt-6.1-sol"]));
        Assert.Equal(0.8667, rows["gpt-6.1-sol"].GetProperty("cache_hit_ratio").GetDouble());
        Assert.Equal((4, 3900, 2700, 180, 35), Sums(root.GetProperty("total")));
        Assert.Equal(0.6923, root.GetProperty("total").GetProperty("cache_hit_ratio").GetDouble());
    }

    [Fact]
    public async Task ByAccountAndSession_OneDay_CountsOnlyToday()
    {
        await SeedAsync();

        using var byAccount = JsonDocument.Parse(Run(UsageGrouping.Account, days: 1, json: true));
        using var bySession = JsonDocument.Parse(Run(UsageGrouping.Session, days: 1, json: true));

        Assert.Equal([("default", 2L), ("work", 1L)], Keys(byAccount));
        Assert.Equal([("session-a", 2L), ("session-b", 1L)], Keys(bySession));
        var sessionB = bySession.RootElement.GetProperty("rows")[1];
        Assert.Equal(JsonValueKind.Number, sessionB.GetProperty("cache_hit_ratio").ValueKind);
        Assert.Equal(0, sessionB.GetProperty("cache_hit_ratio").GetDouble());
    }

    [Fact]
    public void NoHistory_SaysSo_AndJsonHasNoRows()
    {
        Assert.Contains("No requests recorded in the last 7 days", Run(UsageGrouping.Day, 7, json: false), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(Run(UsageGrouping.Day, 7, json: true));
        Assert.Equal(0, json.RootElement.GetProperty("rows").GetArrayLength());
        Assert.False(File.Exists(DatabasePath), "reading must not create the history");
    }

    [Fact]
    public async Task Status_ShowsTodaysTotalsFromTheHistory()
    {
        await using var env = await AuthTestEnvironment.CreateAsync(_time);
        env.SeedLogin(TimeSpan.FromHours(2));
        var (console, output) = CliTestSupport.PlainConsole();
        Assert.Equal(0, StatusCommand.Run(env.CreateComponents(), console));
        Assert.Contains("Today through the proxy │ no requests yet", output.ToString(), StringComparison.Ordinal);

        await SeedAsync(UsageDatabase.PathIn(env.Home));
        (console, output) = CliTestSupport.PlainConsole();
        Assert.Equal(0, StatusCommand.Run(env.CreateComponents(), console));

        // Today (local): the two session-a rows and the 23:30 UTC row of the 5th.
        Assert.Contains("Today through the proxy │ 3 requests, 3500 input tokens (74% cached), 170 output", output.ToString(), StringComparison.Ordinal);
    }

    private string Run(UsageGrouping grouping, int days, bool json)
    {
        var (console, output) = CliTestSupport.PlainConsole();
        Assert.Equal(0, UsageCommand.Run(DatabasePath, grouping, days, json, console, _time));
        return output.ToString();
    }

    private async Task SeedAsync(string? path = null)
    {
        await using var writer = new UsageHistoryWriter(path ?? DatabasePath, _time, NullLogger<UsageHistoryWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        writer.TryRecord(Row(Now.AddHours(-2), "session-a", "gpt-6.1-sol", input: 1000, cached: 800, output: 50, reasoning: 10));
        writer.TryRecord(Row(Now.AddHours(-1), "session-a", "gpt-6.1-sol", input: 2000, cached: 1800, output: 100, reasoning: 20));
        writer.TryRecord(Row(new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.Zero), "session-b", "gpt-6-luna", input: 500, cached: 0, output: 20, reasoning: 0, account: "work"));
        writer.TryRecord(Row(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero), "session-b", "gpt-6-luna", input: 400, cached: 100, output: 10, reasoning: 5, account: "work"));
        writer.TryRecord(Row(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero), "session-c", "gpt-5.5", input: 99_999, cached: 0));
    }

    private static (long, long, long, long, long) Sums(JsonElement row) =>
        (row.GetProperty("requests").GetInt64(), row.GetProperty("input_tokens").GetInt64(), row.GetProperty("cached_tokens").GetInt64(),
         row.GetProperty("output_tokens").GetInt64(), row.GetProperty("reasoning_tokens").GetInt64());

    private static List<(string, long)> Keys(JsonDocument report) =>
        [.. report.RootElement.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("key").GetString()!, r.GetProperty("requests").GetInt64()))];

    private static async Task AssertGoldenAsync(string name, string actual)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Cli", "Usage", name);
        var normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(RepositoryPaths.Root, "tests", "CodexProxy.Tests", "Cli", "Usage", name), normalized, TestContext.Current.CancellationToken);
        }

        Assert.Equal(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), normalized);
    }
}
