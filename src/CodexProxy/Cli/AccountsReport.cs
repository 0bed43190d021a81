using System.Text.Json.Serialization;
using CodexProxy.Auth;

namespace CodexProxy.Cli;

/// <summary>What <c>accounts</c> shows, as a table or (<c>--json</c>) as this record: every account with its plan,
/// login state and last-seen windows, and the account a new conversation would go to.</summary>
internal sealed record AccountsReport
{
    [JsonPropertyName("accounts")] public required IReadOnlyList<AccountsReportRow> Accounts { get; init; }

    /// <summary>By the last-seen windows, as the server's router picks (most allowance left; ties: the default).
    /// Null when no account is logged in.</summary>
    [JsonPropertyName("new_conversations")] public string? NewConversations { get; init; }

    public static AccountsReport Build(AuthComponents auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        var now = auth.Time.GetUtcNow();
        var names = new List<AccountName> { AccountName.Default };
        names.AddRange(AccountDirectory.FurtherAccounts(auth.Options.Home));
        var rows = names.Select(name => Row(auth.ForAccount(name), now)).ToList();
        var chosen = UsageAllowance.MostRemaining(rows.Where(r => r.LoggedIn), r => r.Usage, now);
        return new AccountsReport
        {
            Accounts = [.. rows.Select(r => r with { NewConversations = r == chosen })],
            NewConversations = chosen?.Name,
        };
    }

    private static AccountsReportRow Row(AuthComponents account, DateTimeOffset now)
    {
        var tokens = account.Store.Load();
        var identity = tokens?.ReadIdentity();
        var usage = account.Usage.TryRead();
        return new AccountsReportRow
        {
            Name = account.Account.Value,
            LoggedIn = tokens is not null,
            Email = identity?.Email,
            Plan = identity?.PlanType ?? usage?.PlanType,
            FiveHour = AccountsReportWindow.From(usage?.FiveHour),
            Weekly = AccountsReportWindow.From(usage?.Weekly),
            RemainingPercent = tokens is null ? null : UsageAllowance.RemainingPercent(usage, now),
            TokensPath = account.Store.TokensPath,
            Usage = usage,
        };
    }
}

internal sealed record AccountsReportRow
{
    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("logged_in")] public bool LoggedIn { get; init; }

    [JsonPropertyName("email")] public string? Email { get; init; }

    [JsonPropertyName("plan")] public string? Plan { get; init; }

    [JsonPropertyName("five_hour")] public AccountsReportWindow? FiveHour { get; init; }

    [JsonPropertyName("weekly")] public AccountsReportWindow? Weekly { get; init; }

    /// <summary>100 minus the fullest window not reset yet; null when not logged in.</summary>
    [JsonPropertyName("remaining_percent")] public double? RemainingPercent { get; init; }

    [JsonPropertyName("new_conversations")] public bool NewConversations { get; init; }

    [JsonPropertyName("tokens_path")] public required string TokensPath { get; init; }

    [JsonIgnore] public UsageSnapshot? Usage { get; init; }
}

internal sealed record AccountsReportWindow
{
    [JsonPropertyName("used_percent")] public double UsedPercent { get; init; }

    [JsonPropertyName("resets_at")] public DateTimeOffset? ResetsAt { get; init; }

    public static AccountsReportWindow? From(UsageWindow? window) =>
        window is null ? null : new AccountsReportWindow { UsedPercent = window.UsedPercent, ResetsAt = window.ResetsAt };
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AccountsReport))]
internal sealed partial class AccountsReportJsonContext : JsonSerializerContext;
