using System.Globalization;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Cli;
using CodexProxy.Tests.Auth;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Xunit;

namespace CodexProxy.Tests.Cli;

/// <summary><c>login --account</c>, <c>logout --account</c> and <c>accounts</c> against the fake auth server.</summary>
public sealed class AccountCommandsTests
{
    private static readonly AccountName Work = AccountName.Parse("work");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoginWithAccount_Device_SavesUnderItsOwnDirectory_AndLeavesTheDefaultAlone()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var seeded = env.SeedLogin(TimeSpan.FromHours(1));
        env.Server.DevicePendingPolls = 0;
        var auth = env.CreateComponents().ForAccount(Work);
        var (console, output) = CliTestSupport.PlainConsole();

        var exitCode = await new LoginFlow(auth, console).RunAsync(device: true, fromCodex: false, noBrowser: true, Ct);

        Assert.Equal(0, exitCode);
        var path = Path.Combine(env.Home, "accounts", "work", "tokens.json");
        Assert.Equal(path, auth.Store.TokensPath);
        Assert.NotNull(auth.Store.Load());
        Assert.Equal(seeded.AccessToken, env.ReadTokensFile().AccessToken);
        Assert.Contains("Saved as account work", output.ToString(), StringComparison.Ordinal);
        // The fake auth server signs everyone in as the same user, so the two accounts are one login.
        Assert.Contains("same ChatGPT login as account default", output.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(path));
        }

        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task LoginWithAccount_Browser_SavesUnderItsOwnDirectory()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var auth = env.CreateComponents().ForAccount(Work);
        using var browser = new HttpClient();
        var terminal = new BrowserFollowingWriter(browser);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(terminal),
        });

        var exitCode = await new LoginFlow(auth, console).RunAsync(device: false, fromCodex: false, noBrowser: true, Ct);
        await terminal.PageLoaded;

        Assert.Equal(0, exitCode);
        Assert.Equal(1, env.Server.ExchangeCount);
        Assert.NotNull(new TokenStore(Path.Combine(env.Home, "accounts", "work", "tokens.json"), NullLogger.Instance).Load());
        Assert.False(File.Exists(env.Options.TokensPath));
        Assert.Equal(["work"], AccountDirectory.FurtherAccounts(env.Home).Select(n => n.Value).ToArray());
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task LoginWithAccount_FromCodex_ImportsIntoThatAccount()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var (access, refresh, id) = env.Server.IssueLogin(TimeSpan.FromHours(1));
        Directory.CreateDirectory(Path.GetDirectoryName(env.CodexAuthPath)!);
        await File.WriteAllTextAsync(env.CodexAuthPath,
            $$$"""{"auth_mode":"chatgpt","tokens":{"id_token":"{{{id}}}","access_token":"{{{access}}}","refresh_token":"{{{refresh}}}"}}""", Ct);
        var auth = env.CreateComponents().ForAccount(Work);
        var (console, _) = CliTestSupport.PlainConsole();

        var exitCode = await new LoginFlow(auth, console).RunAsync(device: false, fromCodex: true, noBrowser: true, Ct);

        Assert.Equal(0, exitCode);
        var tokens = auth.Store.Load();
        Assert.NotNull(tokens);
        Assert.True(tokens.IsFromCodexCli);
        Assert.Equal(access, tokens.AccessToken);
        Assert.False(File.Exists(env.Options.TokensPath));
    }

    [Fact]
    public async Task LogoutWithAccount_RemovesThatAccountOnly()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(1));
        var work = SeedAccount(env, Work, TimeSpan.FromHours(1));
        var auth = env.CreateComponents();
        var (console, output) = CliTestSupport.PlainConsole();

        Assert.Equal(0, await LogoutCommand.RunAsync(auth.ForAccount(Work), console, Ct));
        Assert.Equal(LogoutOutcome.NotLoggedIn, await auth.ForAccount(Work).LogoutAsync(Ct));

        Assert.False(Directory.Exists(Path.Combine(env.Home, "accounts", "work")));
        Assert.True(File.Exists(env.Options.TokensPath));
        Assert.Equal([work.RefreshToken], env.Server.RevokedTokens.ToArray());
        Assert.Contains("Account work removed", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(AccountDirectory.FurtherAccounts(env.Home));
    }

    [Fact]
    public async Task Accounts_ListsEveryAccountWithItsWindows_AndWhereNewConversationsGo()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(1));
        SeedAccount(env, Work, TimeSpan.FromHours(1));
        var auth = env.CreateComponents();
        SeeUsage(auth, fiveHour: 80, weekly: 30);
        SeeUsage(auth.ForAccount(Work), fiveHour: 10, weekly: 45);
        var (console, output) = CliTestSupport.PlainConsole();

        var exitCode = AccountsCommand.Run(auth, console, json: false);

        var text = output.ToString();
        Assert.Equal(0, exitCode);
        var defaultRow = text.Split('\n').Single(l => l.Contains("│ default", StringComparison.Ordinal));
        var workRow = text.Split('\n').Single(l => l.Contains("│ work", StringComparison.Ordinal));
        Assert.Contains("80% used", defaultRow, StringComparison.Ordinal);
        Assert.Contains("30% used", defaultRow, StringComparison.Ordinal);
        Assert.Contains(FakeOAuthServer.Plan, defaultRow, StringComparison.Ordinal);
        Assert.Contains("45% used", workRow, StringComparison.Ordinal);
        Assert.Contains("here", workRow, StringComparison.Ordinal);
        Assert.DoesNotContain("here", defaultRow, StringComparison.Ordinal);
        Assert.DoesNotContain(env.ReadTokensFile().AccessToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountsJson_NamesEachAccountAndTheOneNewConversationsGoTo()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(1));
        SeedAccount(env, Work, TimeSpan.FromHours(1));
        var auth = env.CreateComponents();
        SeeUsage(auth, fiveHour: 20, weekly: 10);
        SeeUsage(auth.ForAccount(Work), fiveHour: 20, weekly: 5);
        var (console, output) = CliTestSupport.PlainConsole();

        Assert.Equal(0, AccountsCommand.Run(auth, console, json: true));

        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal("default", root.GetProperty("new_conversations").GetString());
        var accounts = root.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(["default", "work"], accounts.Select(a => a.GetProperty("name").GetString() ?? "").ToArray());
        Assert.True(accounts[1].GetProperty("logged_in").GetBoolean());
        Assert.Equal(20, accounts[1].GetProperty("five_hour").GetProperty("used_percent").GetDouble());
        Assert.Equal(5, accounts[1].GetProperty("weekly").GetProperty("used_percent").GetDouble());
        Assert.Equal(80, accounts[1].GetProperty("remaining_percent").GetDouble());
        Assert.True(accounts[0].GetProperty("new_conversations").GetBoolean());
    }

    [Fact]
    public async Task Accounts_NobodyLoggedIn_ExitsOne()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var (console, output) = CliTestSupport.PlainConsole();

        Assert.Equal(1, AccountsCommand.Run(env.CreateComponents(), console, json: false));
        Assert.Contains("No account is logged in", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("Work")]
    [InlineData("a/b")]
    public async Task LoginWithAnInvalidAccountName_IsRefusedBeforeAnythingHappens(string name)
    {
        var home = Directory.CreateTempSubdirectory("cxp-accounts-cli-");
        try
        {
            var (exitCode, _, stderr) = await CliTestSupport.RunCliAsync(
                ["login", "--account", name, "--from-codex"],
                new Dictionary<string, string> { ["CHATGPT_CODEX_PROXY_HOME"] = home.FullName },
                TimeSpan.FromSeconds(60),
                Ct);

            Assert.Equal(2, exitCode);
            Assert.Contains("Invalid --account", stderr, StringComparison.Ordinal);
            Assert.Empty(home.EnumerateFileSystemInfos());
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static StoredTokens SeedAccount(AuthTestEnvironment env, AccountName account, TimeSpan lifetime)
    {
        var (access, refresh, id) = env.Server.IssueLogin(lifetime);
        var tokens = new StoredTokens
        {
            AccessToken = access,
            RefreshToken = refresh,
            IdToken = id,
            ExpiresAt = (env.Time.GetUtcNow() + lifetime).ToUnixTimeMilliseconds(),
        };
        new TokenStore(AccountDirectory.TokensPath(env.Home, account), NullLogger.Instance).Save(tokens);
        return tokens;
    }

    private static void SeeUsage(AuthComponents auth, double fiveHour, double weekly)
    {
        using var response = new HttpResponseMessage();
        response.Headers.Add("x-codex-primary-used-percent", fiveHour.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("x-codex-primary-window-minutes", "300");
        response.Headers.Add("x-codex-primary-reset-after-seconds", "7200");
        response.Headers.Add("x-codex-secondary-used-percent", weekly.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("x-codex-secondary-window-minutes", "10080");
        response.Headers.Add("x-codex-secondary-reset-after-seconds", "400000");
        auth.Usage.OnResponseHeaders(response.Headers);
    }
}
