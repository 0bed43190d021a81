using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Auth;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary><c>accounts</c>: every ChatGPT account the proxy holds, with plan, login, the last-seen 5-hour and weekly
/// use and which account new conversations go to. Exit code 0 when at least one account is logged in, else 1.</summary>
internal static class AccountsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the accounts as JSON instead of a table." };
        var command = new Command("accounts", "List the ChatGPT accounts (add one with `login --account NAME`) and where new conversations go.")
        {
            json,
        };
        command.SetAction((parse, _) => AuthCommandContext.RunAsync((auth, console) => Task.FromResult(Run(auth, console, parse.GetValue(json)))));
        return command;
    }

    public static int Run(AuthComponents auth, IAnsiConsole console, bool json)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(console);
        var report = AccountsReport.Build(auth);
        if (json)
        {
            // Raw write: Spectre would wrap long lines and treat brackets as markup.
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report, AccountsReportJsonContext.Default.AccountsReport));
        }
        else
        {
            WriteHuman(report, auth.Time, console);
        }

        return report.NewConversations is null ? 1 : 0;
    }

    private static void WriteHuman(AccountsReport report, TimeProvider time, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Account").AddColumn("Email").AddColumn("Plan").AddColumn("Logged in")
            .AddColumn("5-hour").AddColumn("Weekly").AddColumn("New conversations");
        foreach (var row in report.Accounts)
        {
            table.AddRow(
                Markup.Escape(row.Name),
                Markup.Escape(row.Email ?? "-"),
                Markup.Escape(row.Plan ?? "-"),
                row.LoggedIn ? "[green]yes[/]" : "[red]no[/]",
                Markup.Escape(Describe(row.FiveHour, time)),
                Markup.Escape(Describe(row.Weekly, time)),
                row.NewConversations ? "[green]◀ here[/]" : string.Empty);
        }

        console.Write(table);
        if (report.NewConversations is null)
        {
            console.WriteLine("No account is logged in. Run `./chatgpt-codex-proxy login` (or `login --account NAME` for a further one).");
            return;
        }

        if (report.Accounts.Count(a => a.LoggedIn) > 1)
        {
            console.MarkupLine("[grey]A conversation stays on its account (prompt caches are per account) until that account reaches "
                + "a usage limit; then it moves to the account with the most allowance left.[/]");
        }
    }

    private static string Describe(AccountsReportWindow? window, TimeProvider time) =>
        window is null
            ? "not seen yet"
            : $"{window.UsedPercent.ToString("0.#", CultureInfo.InvariantCulture)}% used, resets {CliFormat.Instant(window.ResetsAt, time)}";
}
