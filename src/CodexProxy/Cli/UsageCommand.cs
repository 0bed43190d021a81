using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Usage;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary><c>usage</c>: what went through the proxy, from the usage history (no server needed). Exit code 0, 2 on a
/// configuration error.</summary>
internal static class UsageCommand
{
    /// <summary>Longest key the bar chart shows (session ids are long).</summary>
    private const int ChartLabelLength = 20;

    public static Command Create()
    {
        var by = new Option<string>("--by")
        {
            Description = "Group by day, model, account or session.",
            DefaultValueFactory = _ => "day",
        };
        by.AcceptOnlyFromAmong([.. Enum.GetNames<UsageGrouping>().Select(name => name.ToLowerInvariant())]);
        var days = new Option<int>("--days")
        {
            Description = "How many calendar days back, today included.",
            DefaultValueFactory = _ => 7,
        };
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--days must be at least 1.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of a table." };
        var command = new Command("usage", "Requests and tokens through the proxy by day, model, account or session, with the prompt-cache hit ratio.")
        {
            by, days, json,
        };
        command.SetAction(async (parse, _) =>
        {
            if (await CliOptions.LoadAsync() is not { } options)
            {
                return CliOptions.ConfigurationError;
            }

            return Run(UsageDatabase.PathIn(options.Home), Enum.Parse<UsageGrouping>(parse.GetValue(by)!, ignoreCase: true), parse.GetValue(days), parse.GetValue(json), AnsiConsole.Console, TimeProvider.System);
        });
        return command;
    }

    public static int Run(string databasePath, UsageGrouping grouping, int days, bool json, IAnsiConsole console, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(console);
        var report = UsageReport.Build(databasePath, grouping, days, time);
        if (json)
        {
            // Raw write: Spectre would wrap long lines and treat brackets as markup.
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report, UsageReportJsonContext.Default.UsageReport));
            return 0;
        }

        var period = days == 1 ? "today" : $"the last {days.ToString(CultureInfo.InvariantCulture)} days";
        if (report.Rows.Count == 0)
        {
            console.WriteLine($"No requests recorded in {period} ({databasePath}).");
            return 0;
        }

        var title = $"Usage by {report.By}, {period}";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn(Markup.Escape(Heading(grouping)));
        foreach (var column in new[] { "Requests", "Input", "Cached", "Output", "Reasoning", "Cache hit" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var row in report.Rows)
        {
            table.AddRow(Cells(row, Markup.Escape(row.Key)));
        }

        table.AddRow(Cells(report.Total, "[bold]Total[/]"));
        console.Write(table);
        var chart = new BarChart().Label("Tokens (input + output)").Width(60);
        foreach (var row in report.Rows)
        {
            chart.AddItem(Markup.Escape(Shorten(row.Key)), row.InputTokens + row.OutputTokens, Color.Green);
        }

        console.Write(chart);
        return 0;
    }

    private static string Heading(UsageGrouping grouping) => grouping switch
    {
        UsageGrouping.Day => "Day",
        UsageGrouping.Model => "Codex model",
        UsageGrouping.Account => "Account",
        _ => "Session",
    };

    private static string[] Cells(UsageReportRow row, string key) =>
    [
        key,
        row.Requests.ToString("N0", CultureInfo.InvariantCulture),
        UsageReport.Tokens(row.InputTokens),
        UsageReport.Tokens(row.CachedTokens),
        UsageReport.Tokens(row.OutputTokens),
        UsageReport.Tokens(row.ReasoningTokens),
        UsageReport.Percent(row.CacheHitRatio),
    ];

    private static string Shorten(string key) => key.Length <= ChartLabelLength ? key : key[..(ChartLabelLength - 1)] + "…";
}
