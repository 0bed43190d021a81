using CodexProxy.Auth;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class DeviceCodeLoginTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeviceLogin_PendingAnswersThenApproval_ExchangesWithTheDeviceRedirect()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await AuthTestEnvironment.CreateAsync(time);
        env.Server.DevicePendingPolls = 3;
        var auth = env.CreateComponents();
        string? shownUrl = null;
        string? shownCode = null;

        var running = new DeviceCodeLogin(auth.OAuth, time).RunAsync((url, code) => (shownUrl, shownCode) = (url, code), Ct);
        var response = await AdvanceUntilDoneAsync(time, running);

        Assert.NotNull(response.AccessToken);
        Assert.Equal(env.Server.BaseUrl.AbsoluteUri.TrimEnd('/') + "/codex/device", shownUrl);
        Assert.Equal("ABCD-1234", shownCode);
        Assert.Equal(4, env.Server.DevicePolls);
        Assert.Equal(env.Server.BaseUrl.AbsoluteUri.TrimEnd('/') + "/deviceauth/callback", env.Server.LastExchangeRedirectUri);
        Assert.Equal(1, env.Server.ExchangeCount);
        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task DeviceLogin_NeverApproved_GivesUpAfterFifteenMinutes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await AuthTestEnvironment.CreateAsync(time);
        env.Server.DevicePendingPolls = -1;
        var auth = env.CreateComponents();

        var running = new DeviceCodeLogin(auth.OAuth, time).RunAsync((_, _) => { }, Ct);

        var error = await Assert.ThrowsAsync<LoginFailedException>(() => AdvanceUntilDoneAsync(time, running, step: TimeSpan.FromSeconds(30)));
        Assert.Contains("15 minutes", error.Message, StringComparison.Ordinal);
    }

    private static async Task<T> AdvanceUntilDoneAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan? step = null)
    {
        for (var i = 0; i < 500 && !task.IsCompleted; i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
            time.Advance(step ?? TimeSpan.FromSeconds(1));
        }

        return await task;
    }
}
