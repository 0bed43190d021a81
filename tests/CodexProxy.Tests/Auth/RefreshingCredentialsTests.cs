using CodexProxy.Auth;
using CodexProxy.Codex;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class RefreshingCredentialsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FreshToken_IsServedWithoutRefresh()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var seeded = env.SeedLogin(TimeSpan.FromHours(1));
        using var credentials = env.CreateComponents().CreateCredentials();

        var credential = await credentials.GetAsync(Ct);

        Assert.Equal(seeded.AccessToken, credential.AccessToken);
        Assert.Equal(Fakes.FakeOAuthServer.AccountId, credential.AccountId);
        Assert.Equal(0, env.Server.RefreshCount);
    }

    [Fact]
    public async Task TwoHundredConcurrentCallers_WithExpiringToken_CauseExactlyOneRefresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await AuthTestEnvironment.CreateAsync(time);
        var seeded = env.SeedLogin(TimeSpan.FromMinutes(3));
        env.Server.RefreshDelay = TimeSpan.FromMilliseconds(100);
        using var credentials = env.CreateComponents().CreateCredentials();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => credentials.GetAsync(Ct).AsTask(), Ct)));

        Assert.Equal(1, env.Server.RefreshCount);
        Assert.Single(results.Select(r => r.AccessToken).Distinct());
        Assert.NotEqual(seeded.AccessToken, results[0].AccessToken);
        var saved = env.ReadTokensFile();
        Assert.Equal(results[0].AccessToken, saved.AccessToken);
        Assert.NotEqual(seeded.RefreshToken, saved.RefreshToken);
        Assert.Equal(time.GetUtcNow(), saved.LastRefresh);
        Assert.All(env.Server.RefreshContentTypes, c => Assert.StartsWith("application/json", c, StringComparison.Ordinal));
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task TwoProcesses_SharingTheTokenFile_RefreshOnce()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromMinutes(2));
        env.Server.RefreshDelay = TimeSpan.FromMilliseconds(200);
        using var first = env.CreateComponents().CreateCredentials();
        using var second = env.CreateComponents().CreateCredentials();

        var calls = Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).GetAsync(Ct).AsTask(), Ct));
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, env.Server.RefreshCount);
        Assert.Single(results.Select(r => r.AccessToken).Distinct());
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task Unauthorized_RefreshesOnce_ThenAdoptsWithoutSecondRefresh()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var seeded = env.SeedLogin(TimeSpan.FromHours(1));
        using var credentials = env.CreateComponents().CreateCredentials();
        var rejected = await credentials.GetAsync(Ct);

        var recovered = await Task.WhenAll(
            credentials.RecoverFromUnauthorizedAsync(rejected, Ct).AsTask(),
            credentials.RecoverFromUnauthorizedAsync(rejected, Ct).AsTask());

        Assert.Equal(1, env.Server.RefreshCount);
        Assert.NotEqual(seeded.AccessToken, recovered[0].AccessToken);
        Assert.Equal(recovered[0], recovered[1]);
    }

    [Fact]
    public async Task RefreshTokenReused_ThrowsNotLoggedInWithLoginHint()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var seeded = env.SeedLogin(TimeSpan.FromMinutes(1));
        using (var other = env.CreateComponents().CreateCredentials())
        {
            await other.GetAsync(Ct); // rotates the refresh token
        }

        // A stale copy of the old file (e.g. restored from backup) holds the spent refresh token.
        new TokenStore(env.Options.TokensPath, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Save(seeded);
        using var credentials = env.CreateComponents().CreateCredentials();

        var error = await Assert.ThrowsAsync<NotLoggedInException>(() => credentials.GetAsync(Ct).AsTask());

        Assert.Contains("refresh_token_reused", error.Message, StringComparison.Ordinal);
        Assert.Contains("login", error.Message, StringComparison.Ordinal);
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task TransientRefreshFailure_WhileTokenStillValid_KeepsServingItAndBacksOff()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var seeded = env.SeedLogin(TimeSpan.FromMinutes(2));
        env.Server.RefreshFailureStatus = 500;
        using var credentials = env.CreateComponents().CreateCredentials();

        var first = await credentials.GetAsync(Ct);
        var second = await credentials.GetAsync(Ct);

        Assert.Equal(seeded.AccessToken, first.AccessToken);
        Assert.Equal(seeded.AccessToken, second.AccessToken);
        Assert.Equal(1, env.Server.RefreshCount);
    }

    [Fact]
    public async Task TransientRefreshFailure_AfterUnauthorized_IsAConnectionError()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(1));
        env.Server.RefreshFailureStatus = 503;
        using var credentials = env.CreateComponents().CreateCredentials();
        var rejected = await credentials.GetAsync(Ct);

        await Assert.ThrowsAsync<AuthServerUnavailableException>(() => credentials.RecoverFromUnauthorizedAsync(rejected, Ct).AsTask());
    }

    [Fact]
    public async Task NoTokens_ThrowsNotLoggedIn()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        using var credentials = env.CreateComponents().CreateCredentials();

        Assert.False(credentials.HasLogin);
        await Assert.ThrowsAsync<NotLoggedInException>(() => credentials.GetAsync(Ct).AsTask());
    }

    [Fact]
    public async Task LoginWrittenByAnotherProcess_IsSeenWithinTheFileCheckInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await AuthTestEnvironment.CreateAsync(time);
        using var credentials = env.CreateComponents().CreateCredentials();
        Assert.False(credentials.HasLogin);

        var seeded = env.SeedLogin(TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(credentials.HasLogin);
        Assert.Equal(seeded.AccessToken, (await credentials.GetAsync(Ct)).AccessToken);
    }
}
