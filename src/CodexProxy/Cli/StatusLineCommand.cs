using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Formatting;
using CodexProxy.Translation.Request;
using CodexProxy.Usage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodexProxy.Cli;

/// <summary>
/// <c>statusline</c>, for Claude Code's <c>statusLine</c> setting (https://docs.anthropic.com/en/docs/claude-code/statusline):
/// reads the JSON Claude Code writes to stdin and prints one short line: the Codex model the session's model maps
/// to, the 5-hour and weekly use of the session's account with their resets, and the session's prompt-cache hit ratio.
/// Only local state the server saved is read (the usage history, <c>usage.json</c>), never the network; it runs before
/// the command parser is even built (see <c>Program.Main</c>), and whatever goes wrong it prints a neutral line and exits 0.
/// </summary>
internal static class StatusLineCommand
{
    public const string Name = "statusline";

    public const string NeutralLine = "chatgpt-codex-proxy";

    /// <summary>Claude Code's input is small; anything far larger is not it.</summary>
    private const int MaxInputChars = 1 << 20;

    public static Command Create()
    {
        var command = new Command(Name, "One status line for Claude Code's statusLine setting (reads its JSON on stdin; `claude` sets it up).");
        command.SetAction(_ => RunOnConsole());
        return command;
    }

    public static int RunOnConsole()
    {
        Console.Out.WriteLine(Render(Console.In, Environment.GetEnvironmentVariables(), TimeProvider.System));
        return 0;
    }

    /// <summary>The line for the JSON on <paramref name="input"/>; never throws.</summary>
    public static string Render(TextReader input, IDictionary environment, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            var options = ProxyOptions.FromVariables(environment);
            var (session, model) = ReadInput(input);
            var history = session is null ? null : UsageHistoryReader.Session(UsageDatabase.PathIn(options.Home), session, model);
            var account = history?.Account ?? UsageRecord.DefaultAccount;
            var windows = new UsageWindowsStore(UsageFile(options.Home, account), time, NullLogger.Instance).TryRead();
            return Compose(CodexModel(model, history, options), account, windows, history, time.GetUtcNow());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or JsonException or ArgumentException)
        {
            return NeutralLine;
        }
    }

    /// <summary>The line from what is known; parts that are unknown are left out.</summary>
    public static string Compose(string? codexModel, string account, UsageSnapshot? windows, SessionUsage? session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        var parts = new List<string>();
        if (codexModel is not null)
        {
            parts.Add(account == UsageRecord.DefaultAccount ? codexModel : $"{codexModel} ({account})");
        }

        if (windows?.FiveHour is { } fiveHour)
        {
            parts.Add("5h " + Window(fiveHour, now));
        }

        if (windows?.Weekly is { } weekly)
        {
            parts.Add("week " + Window(weekly, now));
        }

        if (session?.Totals.CacheHitRatio is { } ratio)
        {
            parts.Add("cache " + UsageReport.Percent(ratio));
        }

        return parts.Count == 0 ? NeutralLine : string.Join(" · ", parts);
    }

    /// <summary>"42% ↻ 2 h 5 min"; a window whose reset has passed has started again, so its old figure is not shown.</summary>
    private static string Window(UsageWindow window, DateTimeOffset now)
    {
        if (window.ResetsAt is { } reset && reset <= now)
        {
            return "reset";
        }

        var used = window.UsedPercent.ToString("0", CultureInfo.InvariantCulture) + "%";
        return window.ResetsAt is { } at ? $"{used} ↻ {DurationText.Format(at - now)}" : used;
    }

    /// <summary>What the server sent for this model last in this session; else the same mapping the server uses,
    /// against the built-in catalogue (the live one is not saved, and the network is not used here).</summary>
    private static string? CodexModel(string? model, SessionUsage? history, ProxyOptions options)
    {
        if (history is { CodexModel: { } sent } && (model is null || string.Equals(history.RequestedModel, model, StringComparison.Ordinal)))
        {
            return sent;
        }

        return model is null ? history?.CodexModel : ModelResolver.Resolve(model, options.Models, BuiltInCatalog.Snapshot).Slug;
    }

    /// <summary><c>usage.json</c> of an account: next to its <c>tokens.json</c> (the default account's in the home,
    /// the others' in <c>accounts/NAME/</c>).</summary>
    public static string UsageFile(string home, string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var safe = account != UsageRecord.DefaultAccount && account.Length > 0 && account.IndexOfAny(['/', '\\']) < 0 && account is not "." and not "..";
        return safe ? Path.Combine(home, "accounts", account, "usage.json") : Path.Combine(home, "usage.json");
    }

    private static (string? Session, string? Model) ReadInput(TextReader input)
    {
        var buffer = new char[MaxInputChars];
        var length = input.ReadBlock(buffer, 0, buffer.Length);
        if (length == 0)
        {
            return (null, null);
        }

        using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        var session = root.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        string? model = null;
        if (root.TryGetProperty("model", out var modelElement))
        {
            model = modelElement.ValueKind switch
            {
                JsonValueKind.Object when modelElement.TryGetProperty("id", out var modelId) && modelId.ValueKind == JsonValueKind.String => modelId.GetString(),
                JsonValueKind.String => modelElement.GetString(),
                _ => null,
            };
        }

        return (string.IsNullOrWhiteSpace(session) ? null : session, string.IsNullOrWhiteSpace(model) ? null : model);
    }
}
