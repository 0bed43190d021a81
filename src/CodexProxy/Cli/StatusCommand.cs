using System.CommandLine;
using System.Globalization;
using CodexProxy.Auth;
using CodexProxy.Configuration;
using CodexProxy.Usage;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary><c>status</c>: the login and the last-seen usage windows. Exit code 0 when logged in, 1 when not.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the ChatGPT login and the last-seen 5-hour and weekly usage.");
        command.SetAction((_, cancellationToken) => AuthCommandContext.RunAsync(async (auth, console) =>
        {
            using var http = new HttpClient();
            return Run(auth, console, await DescribeProxyAsync(auth.Options, http, cancellationToken));
        }));
        return command;
    }

    /// <summary>Whether a proxy runs: the one <c>claude</c> started in the background, or any on the CLI's port.</summary>
    public static async Task<string> DescribeProxyAsync(ProxyOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (BackgroundProxyRecord.Load(options.Home) is { } record && record.IsRunning())
        {
            return $"running in the background on port {record.Port} (pid {record.Pid.ToString(CultureInfo.InvariantCulture)}; "
                + "`chatgpt-codex-proxy stop` ends it)";
        }

        var port = options.LocalProxyPort;
        return await LocalProxy.ProbeAsync(http, port, cancellationToken) is not null
            ? $"running on port {port} (not started by `claude`)"
            : $"not running on port {port}";
    }

    public static int Run(AuthComponents auth, IAnsiConsole console, string? proxy = null)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(console);
        var tokens = auth.Store.Load();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Item").AddColumn("Value");
        if (proxy is not null)
        {
            table.AddRow("Proxy", Markup.Escape(proxy));
        }

        if (tokens is null)
        {
            table.AddRow("Logged in", "[red]no[/]");
            table.AddRow("Tokens file", Markup.Escape(auth.Store.TokensPath));
            console.Write(table);
            var hint = auth.CodexCli.Exists
                ? $"Run `./chatgpt-codex-proxy login` (or `login --from-codex` to reuse {auth.CodexCli.Path})."
                : "Run `./chatgpt-codex-proxy login`.";
            console.WriteLine(hint);
            return 1;
        }

        var identity = tokens.ReadIdentity();
        var expiry = tokens.ResolveExpiry();
        var expired = expiry is { } at && at <= auth.Time.GetUtcNow();
        table.AddRow("Logged in", "[green]yes[/]");
        table.AddRow("Email", Markup.Escape(identity?.Email ?? "-"));
        table.AddRow("Plan", Markup.Escape(identity?.PlanType ?? "-"));
        table.AddRow("Account id", Markup.Escape(CliFormat.MaskAccountId(tokens.ResolveAccountId())));
        table.AddRow("Access token expires", Markup.Escape(CliFormat.Instant(expiry, auth.Time)) + (expired ? " [yellow](refreshed on next use)[/]" : string.Empty));
        table.AddRow("Last refresh", Markup.Escape(CliFormat.Instant(tokens.LastRefresh, auth.Time)));
        table.AddRow("Login source", Markup.Escape(tokens.IsFromCodexCli ? $"Codex CLI ({auth.CodexCli.Path})" : "this proxy"));
        AddUsage(table, auth);
        table.AddRow("Today through the proxy", Markup.Escape(Today(auth)));
        console.Write(table);
        return 0;
    }

    /// <summary>Windows are named by their length (5-hour, weekly), not by the slot they arrived in; other limit
    /// families and credits are shown when the backend reported them.</summary>
    private static void AddUsage(Table table, AuthComponents auth)
    {
        var usage = auth.Usage.TryRead();
        if (usage is null || (!usage.HasWindows && usage.Credits is null))
        {
            table.AddRow("Usage", "not seen yet (shown after the first request through the proxy)");
            return;
        }

        foreach (var (label, window) in usage.LabelledWindows())
        {
            table.AddRow($"{label} usage", Markup.Escape(Describe(window, auth.Time)));
        }

        foreach (var limit in usage.OtherLimits ?? [])
        {
            foreach (var (label, window) in limit.LabelledWindows())
            {
                table.AddRow(Markup.Escape($"{limit.DisplayName} {label.ToLowerInvariant()} usage"), Markup.Escape(Describe(window, auth.Time)));
            }
        }

        if (usage.Credits is { } credits && (credits.HasCredits || credits.Unlimited))
        {
            table.AddRow("Credits", Markup.Escape(credits.Unlimited ? "unlimited" : $"balance {credits.Balance ?? "unknown"}"));
        }

        table.AddRow("Usage seen", Markup.Escape(CliFormat.Instant(usage.ObservedAt, auth.Time)));
    }

    /// <summary>Today's totals from the usage history (<c>usage</c> has the detail).</summary>
    private static string Today(AuthComponents auth)
    {
        var today = UsageHistoryReader.Total(UsageDatabase.PathIn(auth.Options.Home), UsageReport.LocalMidnight(auth.Time));
        return today.Requests == 0
            ? "no requests yet"
            : $"{today.Requests.ToString("N0", CultureInfo.InvariantCulture)} requests, {UsageReport.Tokens(today.Input)} input tokens "
                + $"({UsageReport.Percent(today.CacheHitRatio)} cached), {UsageReport.Tokens(today.Output)} output";
    }

    private static string Describe(UsageWindow window, TimeProvider time) =>
        $"{window.UsedPercent.ToString("0.#", CultureInfo.InvariantCulture)}% used, resets {CliFormat.Instant(window.ResetsAt, time)}";
}
