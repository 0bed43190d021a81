using System.Collections;
using System.Diagnostics;
using CodexProxy.Cli;
using CodexProxy.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static CodexProxy.Tests.Usage.UsageHistoryTestData;

namespace CodexProxy.Tests.Cli;

/// <summary><c>statusline</c> with the JSON Claude Code sends (<c>StatusLine/claude-code-input.json</c>), with state the
/// server saved (the usage history, <c>usage.json</c>), and with input that is not that JSON.</summary>
public sealed class StatusLineCommandTests : IDisposable
{
    private const string Session = "3f6c2a9e-8b1d-4e57-a0c4-5d9e7b21f3aa";

    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("cxp-statusline-");
    private readonly FakeTimeProvider _time = new(Now);

    private static string SampleInput => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cli", "StatusLine", "claude-code-input.json"));

    private Hashtable Environment => new() { ["CHATGPT_CODEX_PROXY_HOME"] = _home.FullName };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _home.Delete(recursive: true);
    }

    [Fact]
    public async Task SessionInTheHistory_ShowsItsCodexModel_TheWindowsByLength_AndItsCacheRatio()
    {
        // The weekly window arrived in the primary slot: the line still labels each by its length.
        WriteUsage(_home.FullName, weeklyPercent: 13, fiveHourPercent: 42.4);
        await SeedAsync(
            Row(Now.AddMinutes(-5), Session, "gpt-6.1-sol", input: 10_000, cached: 8_000),
            Row(Now.AddMinutes(-1), Session, "gpt-6.1-sol", input: 20_000, cached: 18_000),
            Row(Now.AddMinutes(-1), "another-session", "gpt-6-luna", input: 50_000, cached: 0));

        var line = Render(SampleInput);

        Assert.Equal("gpt-6.1-sol · 5h 42% ↻ 2 h 5 min · week 13% ↻ 3 d 4 h · cache 87%", line);
    }

    [Fact]
    public void SessionNotRecordedYet_MapsTheModelAsTheServerDoes_WithoutACacheFigure()
    {
        WriteUsage(_home.FullName, weeklyPercent: 13, fiveHourPercent: 42);

        Assert.Equal("gpt-6.1-sol · 5h 42% ↻ 2 h 5 min · week 13% ↻ 3 d 4 h", Render(SampleInput));
        var opus = SampleInput.Replace("claude-sonnet-5-5", "claude-opus-5-5", StringComparison.Ordinal);
        Assert.StartsWith("gpt-6-astra · ", Render(opus), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionOfAnotherAccount_ShowsThatAccountsWindows()
    {
        WriteUsage(_home.FullName, weeklyPercent: 99, fiveHourPercent: 99);
        WriteUsage(Path.Combine(_home.FullName, "accounts", "work"), weeklyPercent: 7, fiveHourPercent: 3);
        await SeedAsync(Row(Now.AddMinutes(-1), Session, "gpt-6.1-sol", input: 100, cached: 50, account: "work"));

        Assert.Equal("gpt-6.1-sol (work) · 5h 3% ↻ 2 h 5 min · week 7% ↻ 3 d 4 h · cache 50%", Render(SampleInput));
    }

    [Fact]
    public async Task BackgroundRequestsForTheSmallModel_DoNotHideWhatTheSessionsModelWentTo()
    {
        // The server mapped Sonnet to gpt-5.5 (an override); Claude Code's title request went to the small model last.
        await SeedAsync(
            Row(Now.AddMinutes(-2), Session, "gpt-5.5", input: 100, cached: 0),
            Row(Now.AddMinutes(-1), Session, "gpt-6-luna", input: 100, cached: 100) with { RequestedModel = "claude-haiku-5-5" });

        Assert.Equal("gpt-5.5 · cache 50%", Render(SampleInput));
    }

    [Fact]
    public void WindowWhoseResetHasPassed_IsShownAsReset()
    {
        WriteUsage(_home.FullName, weeklyPercent: 13, fiveHourPercent: 100, fiveHourResetsAt: Now.AddMinutes(-3));

        Assert.Equal("gpt-6.1-sol · 5h reset · week 13% ↻ 3 d 4 h", Render(SampleInput));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"session_id\": 42, \"model\": 7}")]
    [InlineData("{\"session_id\": \"x\", \"model\": {\"id\": ")]
    public void InputThatIsNotClaudeCodesJson_WithNoState_PrintsTheNeutralLine(string input) =>
        Assert.Equal(StatusLineCommand.NeutralLine, Render(input));

    [Fact]
    public async Task UnreadableState_PrintsWhatIsKnown()
    {
        await File.WriteAllTextAsync(Path.Combine(_home.FullName, "usage.json"), "{ broken", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(UsageDatabase.PathIn(_home.FullName), "garbage, not a database", TestContext.Current.CancellationToken);

        Assert.Equal("gpt-6.1-sol", Render(SampleInput));
        Assert.Equal(StatusLineCommand.NeutralLine, Render("{}"));
    }

    [Fact]
    public async Task BuiltCli_ReadsStdin_PrintsOneLine_AndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        // The built CLI reads the real clock.
        WriteUsage(_home.FullName, weeklyPercent: 13, fiveHourPercent: 42, now: DateTimeOffset.UtcNow);
        foreach (var input in new[] { SampleInput, "garbage" })
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll"));
            start.ArgumentList.Add(StatusLineCommand.Name);
            start.Environment["CHATGPT_CODEX_PROXY_HOME"] = _home.FullName;
            using var process = Process.Start(start)!;
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            var stdout = await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);

            Assert.Equal(0, process.ExitCode);
            var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(input == "garbage" ? StatusLineCommand.NeutralLine : "gpt-6.1-sol · 5h 42%", line, StringComparison.Ordinal);
        }
    }

    private string Render(string input) => StatusLineCommand.Render(new StringReader(input), Environment, _time);

    private async Task SeedAsync(params UsageRecord[] rows)
    {
        await using var writer = new UsageHistoryWriter(UsageDatabase.PathIn(_home.FullName), _time, NullLogger<UsageHistoryWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        foreach (var row in rows)
        {
            writer.TryRecord(row);
        }
    }

    private static void WriteUsage(
        string directory, double weeklyPercent, double fiveHourPercent, DateTimeOffset? fiveHourResetsAt = null, DateTimeOffset? now = null)
    {
        Directory.CreateDirectory(directory);
        var fiveHourReset = (fiveHourResetsAt ?? (now ?? Now).AddMinutes(125)).ToString("O");
        var weeklyReset = (now ?? Now).AddHours(76).ToString("O");
        File.WriteAllText(Path.Combine(directory, "usage.json"), $$$"""
            {"observed_at":"{{{Now:O}}}","plan_type":"plus",
             "primary":{"used_percent":{{{weeklyPercent}}},"window_minutes":10080,"resets_at":"{{{weeklyReset}}}"},
             "secondary":{"used_percent":{{{fiveHourPercent}}},"window_minutes":300,"resets_at":"{{{fiveHourReset}}}"}}
            """);
    }
}
