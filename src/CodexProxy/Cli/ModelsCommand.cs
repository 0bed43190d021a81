using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>
/// <c>models</c>: the live model catalogue, what the account's plan can use, and where haiku/sonnet/opus land.
/// Exit codes: 0 with the live catalogue, and also when it could not be fetched for reasons outside the user's hands
/// (offline, timeout, HTTP errors — the built-in catalogue is shown, labelled); 1 when not logged in (run <c>login</c>);
/// 2 on a configuration error.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the catalogue as JSON instead of a table (the spinner only ever shows on a terminal)." };
        var command = new Command("models", "Fetch the live Codex model catalogue: plan availability and the Claude aliases that map to each model.")
        {
            json,
        };
        command.SetAction((parse, cancellationToken) => AuthCommandContext.RunAsync(async (auth, console) =>
        {
            using var http = CodexClient.CreateHttpClient();
            return await RunAsync(auth, auth.Options, http, console, parse.GetValue(json), cancellationToken);
        }));
        return command;
    }

    public static async Task<int> RunAsync(
        AuthComponents auth, ProxyOptions options, HttpClient http, IAnsiConsole console, bool json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(console);
        using var credentials = auth.CreateCredentials();
        var fetch = await CliProgress.RunAsync(
            console,
            $"Fetching the model catalogue from {CatalogFetch.ModelsUri(options)}…",
            () => CatalogFetch.RunAsync(http, options, credentials, auth.Time, cancellationToken));
        var report = ModelsReport.Build(fetch, options);
        if (json)
        {
            // Raw write: Spectre would wrap long lines and treat brackets as markup.
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report, ModelsReportJsonContext.Default.ModelsReport));
        }
        else
        {
            WriteHuman(report, console);
        }

        return report.NotLoggedIn ? 1 : 0;
    }

    private static void WriteHuman(ModelsReport report, IAnsiConsole console)
    {
        if (report.Error is { } error)
        {
            console.MarkupLineInterpolated($"[yellow]Could not fetch the live model catalogue from {report.Url}:[/] {Explain(error)}");
            console.MarkupLine(report.NotLoggedIn
                ? "[grey]Showing the built-in catalogue until you log in.[/]"
                : "[grey]Showing the built-in catalogue (a copy of Codex CLI " + CodexClientIdentity.Version + "'s): plan availability is unknown.[/]");
        }

        var title = report.Source == ModelsReport.LiveSource
            ? $"Live model catalogue (plan: {report.Plan ?? "unknown"})"
            : "Built-in model catalogue (not the live one)";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn("Model").AddColumn("Display name").AddColumn(new TableColumn("Context").RightAligned())
            .AddColumn("Your plan").AddColumn("Claude alias (effort)");
        foreach (var row in report.Models)
        {
            table.AddRow(
                Markup.Escape(row.Slug),
                Markup.Escape(DisplayName(row)),
                row.ContextWindow is { } window ? window.ToString("N0", CultureInfo.InvariantCulture) : "-",
                UsableCell(row),
                Markup.Escape(string.Join('\n', row.Aliases.Select(a => $"{a.Name} ({a.Effort ?? "from request"})"))));
        }

        console.Write(table);
        foreach (var alias in report.Models.SelectMany(row => row.Aliases).Where(a => a.ReplacedBy is not null))
        {
            console.MarkupLineInterpolated(
                $"[yellow]{alias.Name} → {alias.Slug} is a legacy model; the catalogue replaces it with {alias.ReplacedBy}[/] (set ANTHROPIC_DEFAULT_{alias.Name.ToUpperInvariant()}_MODEL={alias.ReplacedBy} to follow).");
        }

        if (report.Source == ModelsReport.LiveSource)
        {
            console.MarkupLineInterpolated($"[grey]From {report.Url}. Aliases honour ANTHROPIC_DEFAULT_HAIKU/SONNET/OPUS_MODEL.[/]");
        }
    }

    private static string DisplayName(ModelsReportRow row) => row switch
    {
        { InCatalogue: false } => "(not in the catalogue)",
        { Listed: false } => $"{row.DisplayName} (hidden)",
        { ReplacedBy: { } replacement } => $"{row.DisplayName} (legacy → {replacement})",
        _ => row.DisplayName ?? row.Slug,
    };

    private static string UsableCell(ModelsReportRow row) => row.Usable switch
    {
        true => "[green]yes[/]",
        false => "[red]no[/]",
        null => "unknown",
    };

    /// <summary>Turns the catalogue's terse reasons into a sentence with a hint where there is one.</summary>
    private static string Explain(string error) => error switch
    {
        "HTTP 401" or "HTTP 403" => $"the backend refused the login ({error}). If this persists, run `chatgpt-codex-proxy login` again.",
        "HTTP 404" => $"the backend has no catalogue at this address ({error}); check CODEX_BASE_URL.",
        _ when error.StartsWith("HTTP 5", StringComparison.Ordinal) => $"the backend had a server error ({error}); try again later.",
        _ => error.EndsWith('.') ? error : error + ".",
    };
}
