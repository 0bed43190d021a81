using CodexProxy.Auth;
using CodexProxy.Cli;
using CodexProxy.Tests.Auth;
using CodexProxy.Tests.Fakes;
using Spectre.Console;
using Xunit;

namespace CodexProxy.Tests.Cli;

public sealed class AuthCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_LoggedIn_ShowsIdentityMaskedAccountAndUsage_AndExitsZero()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(2));
        var auth = env.CreateComponents();
        using var response = new HttpResponseMessage();
        response.Headers.Add("x-codex-primary-used-percent", "42");
        response.Headers.Add("x-codex-primary-window-minutes", "300");
        response.Headers.Add("x-codex-primary-reset-after-seconds", "7200");
        response.Headers.Add("x-codex-secondary-used-percent", "7");
        response.Headers.Add("x-codex-secondary-window-minutes", "10080");
        auth.Usage.OnResponseHeaders(response.Headers);
        var (console, output) = CliTestSupport.PlainConsole();

        var exitCode = StatusCommand.Run(auth, console);

        var text = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Contains(FakeOAuthServer.Email, text, StringComparison.Ordinal);
        Assert.Contains(FakeOAuthServer.Plan, text, StringComparison.Ordinal);
        Assert.Contains("acct…cdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOAuthServer.AccountId, text, StringComparison.Ordinal);
        Assert.Contains("5-hour usage", text, StringComparison.Ordinal);
        Assert.Contains("42% used", text, StringComparison.Ordinal);
        Assert.Contains("Weekly usage", text, StringComparison.Ordinal);
        Assert.DoesNotContain(env.ReadTokensFile().AccessToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NotLoggedIn_ExitsOne()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var (console, output) = CliTestSupport.PlainConsole();

        var exitCode = StatusCommand.Run(env.CreateComponents(), console);

        Assert.Equal(1, exitCode);
        Assert.Contains("login", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshTokenAndDeletes_AndIsIdempotent()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var seeded = env.SeedLogin(TimeSpan.FromHours(1));
        var auth = env.CreateComponents();
        var (console, _) = CliTestSupport.PlainConsole();

        Assert.Equal(0, await LogoutCommand.RunAsync(auth, console, Ct));
        Assert.Equal(LogoutOutcome.NotLoggedIn, await auth.LogoutAsync(Ct));

        Assert.Equal([seeded.RefreshToken], env.Server.RevokedTokens.ToArray());
        Assert.False(File.Exists(env.Options.TokensPath));
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task Logout_OfAnImportedCodexLogin_DoesNotRevokeTheCodexCliSession()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(1), StoredTokens.CodexCliSource);

        Assert.Equal(LogoutOutcome.KeptCodexCliLogin, await env.CreateComponents().LogoutAsync(Ct));

        Assert.Empty(env.Server.RevokedTokens);
        Assert.False(File.Exists(env.Options.TokensPath));
    }
}
