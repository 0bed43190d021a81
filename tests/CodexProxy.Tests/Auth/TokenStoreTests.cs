using System.Runtime.Versioning;
using System.Text;
using CodexProxy.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class TokenStoreTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "cxp-store-" + Guid.NewGuid().ToString("N"));
    private readonly FakeLogger _logger = new();

    private string TokensPath => Path.Combine(_home, "tokens.json");

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_WritesAnOwnerOnlyFileInAnOwnerOnlyDirectory()
    {
        SkipOnWindows();
        new TokenStore(TokensPath, _logger).Save(new StoredTokens { AccessToken = "a", RefreshToken = "r" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokensPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_home));
        Assert.Single(Directory.GetFiles(_home));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Load_FileReadableByOthers_IsFixedWithAWarning()
    {
        SkipOnWindows();
        var store = new TokenStore(TokensPath, _logger);
        store.Save(new StoredTokens { AccessToken = "a", RefreshToken = "r" });
        File.SetUnixFileMode(TokensPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.NotNull(store.Load());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokensPath));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("readable by other users", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_FileOfTheTypeScriptVersion_LoadsAndKeepsUnknownKeysOnRewrite()
    {
        Directory.CreateDirectory(_home);
        File.WriteAllText(TokensPath, """
            {"access_token":"at","refresh_token":"rt","expires_at":1777936568000,"chatgpt_account_id":"acct-9","legacy_flag":true}
            """);
        var store = new TokenStore(TokensPath, _logger);

        var tokens = store.Load()!;
        store.Save(tokens with { AccessToken = "at2" });

        Assert.Equal("acct-9", tokens.ResolveAccountId());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1777936568000), tokens.ResolveExpiry());
        var rewritten = File.ReadAllText(TokensPath);
        Assert.Contains("\"legacy_flag\": true", rewritten, StringComparison.Ordinal);
        Assert.Contains("\"at2\"", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void CrashWhileWritingTheTempFile_LeavesTheOldFileIntact()
    {
        var store = new TokenStore(TokensPath, _logger);
        store.Save(new StoredTokens { AccessToken = "old", RefreshToken = "r" });

        Assert.Throws<IOException>(() => AtomicFile.Write(TokensPath, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("{\"access_token\":\"ne"));
            throw new IOException("disk full");
        }));

        Assert.Equal("old", store.Load()!.AccessToken);
        Assert.Single(Directory.GetFiles(_home));
    }

    [Fact]
    public void ProcessKilledBetweenTempWriteAndRename_OldFileStillLoads()
    {
        var store = new TokenStore(TokensPath, _logger);
        store.Save(new StoredTokens { AccessToken = "old", RefreshToken = "r" });
        // What a kill -9 after the temp write and before the rename leaves behind: a torn temp file, never the target.
        File.WriteAllText(Path.Combine(_home, ".tokens.json.0123456789abcdef.tmp"), "{\"access_token\":\"ne");

        Assert.Equal("old", store.Load()!.AccessToken);
        store.Save(new StoredTokens { AccessToken = "new", RefreshToken = "r2" });
        Assert.Equal("new", store.Load()!.AccessToken);
    }

    [Fact]
    public void Delete_IsIdempotent()
    {
        var store = new TokenStore(TokensPath, _logger);
        store.Save(new StoredTokens { AccessToken = "a", RefreshToken = "r" });

        Assert.True(store.Delete());
        Assert.False(store.Delete());
        Assert.Null(store.Load());
    }

    private static void SkipOnWindows() => Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
}
