using System.Text.Json.Nodes;
using CodexProxy.Auth;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class CodexCliAuthFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Import_ReadsTheTokens_AndDerivesAMissingAccountIdFromTheIdToken()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var (access, refresh, id) = env.Server.IssueLogin(TimeSpan.FromHours(1));
        WriteCodexAuth(env, access, refresh, id);
        var auth = env.CreateComponents();

        var imported = auth.ImportFromCodexCli()!;

        Assert.Equal(access, imported.AccessToken);
        Assert.Equal(FakeOAuthServer.AccountId, imported.ResolveAccountId());
        Assert.True(env.ReadTokensFile().IsFromCodexCli);
        Assert.Equal(new DateTimeOffset(2026, 4, 22, 10, 15, 30, TimeSpan.Zero), imported.LastRefresh?.AddTicks(-(imported.LastRefresh.Value.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public async Task Import_ApiKeyModeFile_IsNotALogin()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(env.CodexAuthPath)!);
        File.WriteAllText(env.CodexAuthPath, """{"OPENAI_API_KEY":"sk-test"}""");

        Assert.Null(env.CreateComponents().ImportFromCodexCli());
    }

    [Fact]
    public async Task RefreshOfAnImportedLogin_WritesBackToAuthJson_PreservingUnknownKeys()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var (access, refresh, id) = env.Server.IssueLogin(TimeSpan.FromMinutes(1));
        WriteCodexAuth(env, access, refresh, id);
        var auth = env.CreateComponents();
        auth.ImportFromCodexCli();
        using var credentials = auth.CreateCredentials();

        var credential = await credentials.GetAsync(Ct);

        var root = JsonNode.Parse(File.ReadAllText(env.CodexAuthPath))!;
        Assert.Equal(1, env.Server.RefreshCount);
        Assert.Equal(credential.AccessToken, root["tokens"]!["access_token"]!.GetValue<string>());
        Assert.Equal(env.ReadTokensFile().RefreshToken, root["tokens"]!["refresh_token"]!.GetValue<string>());
        Assert.NotEqual(refresh, root["tokens"]!["refresh_token"]!.GetValue<string>());
        Assert.Equal("kept", root["agent_identity"]!.GetValue<string>());
        Assert.Equal("chatgpt", root["auth_mode"]!.GetValue<string>());
        Assert.NotEqual("2026-04-22T10:15:30.123456Z", root["last_refresh"]!.GetValue<string>());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(env.CodexAuthPath));
        }

        env.AssertLogsHaveNoSecrets();
    }

    [Fact]
    public async Task CodexCliRotatedTheTokenItself_IsAdoptedInsteadOfSpendingTheDeadOne()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        var first = env.Server.IssueLogin(TimeSpan.FromMinutes(1));
        WriteCodexAuth(env, first.AccessToken, first.RefreshToken, first.IdToken);
        var auth = env.CreateComponents();
        auth.ImportFromCodexCli();
        var rotated = env.Server.IssueLogin(TimeSpan.FromHours(1));
        WriteCodexAuth(env, rotated.AccessToken, rotated.RefreshToken, rotated.IdToken);
        using var credentials = auth.CreateCredentials();

        var credential = await credentials.GetAsync(Ct);

        Assert.Equal(rotated.AccessToken, credential.AccessToken);
        Assert.Equal(0, env.Server.RefreshCount);
        Assert.Equal(rotated.RefreshToken, env.ReadTokensFile().RefreshToken);
    }

    private static void WriteCodexAuth(AuthTestEnvironment env, string access, string refresh, string id)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(env.CodexAuthPath)!);
        File.WriteAllText(env.CodexAuthPath, $$"""
            {
              "auth_mode": "chatgpt",
              "OPENAI_API_KEY": null,
              "tokens": { "id_token": "{{id}}", "access_token": "{{access}}", "refresh_token": "{{refresh}}" },
              "last_refresh": "2026-04-22T10:15:30.123456Z",
              "agent_identity": "kept"
            }
            """);
    }
}
