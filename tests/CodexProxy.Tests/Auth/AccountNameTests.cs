using CodexProxy.Auth;
using Xunit;

namespace CodexProxy.Tests.Auth;

public sealed class AccountNameTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("work")]
    [InlineData("team-2")]
    [InlineData("a_b")]
    [InlineData("0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void ValidName_Parses(string text)
    {
        Assert.True(AccountName.TryParse(text, out var name));
        Assert.Equal(text, name.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("Work")]
    [InlineData("-work")]
    [InlineData("_work")]
    [InlineData("work\n")]
    [InlineData("wörk")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void NameThatCouldEscapeOrIsMalformed_IsRefused(string text)
    {
        Assert.False(AccountName.TryParse(text, out _));
        Assert.Throws<ArgumentException>(() => AccountName.Parse(text));
    }

    [Fact]
    public void Default_LivesInTokensJson_OthersUnderAccounts()
    {
        var home = Path.Combine(Path.GetTempPath(), "home");

        Assert.True(AccountName.Parse("default").IsDefault);
        Assert.Same(AccountName.Default, AccountName.Parse("default"));
        Assert.Equal(Path.Combine(home, "tokens.json"), AccountDirectory.TokensPath(home, AccountName.Default));
        Assert.Equal(Path.Combine(home, "accounts", "work", "tokens.json"), AccountDirectory.TokensPath(home, AccountName.Parse("work")));
        Assert.Equal(AccountName.Parse("work"), AccountName.Parse("work"));
    }

    [Fact]
    public void FurtherAccounts_ListsOnlyValidNamesWithALogin()
    {
        var home = Directory.CreateTempSubdirectory("cxp-accounts-");
        try
        {
            foreach (var name in new[] { "work", "Bad Name", "default", "empty" })
            {
                Directory.CreateDirectory(Path.Combine(home.FullName, "accounts", name));
            }

            foreach (var name in new[] { "work", "Bad Name", "default" })
            {
                File.WriteAllText(Path.Combine(home.FullName, "accounts", name, "tokens.json"), "{}");
            }

            Assert.Equal(["work"], AccountDirectory.FurtherAccounts(home.FullName).Select(n => n.Value).ToArray());
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
