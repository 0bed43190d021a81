using CodexProxy.Codex;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class CloudflareCookieJarTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CloudflareCookies_AreReplayedPerAccount_OthersIgnored()
    {
        var jar = new CloudflareCookieJar(new FakeTimeProvider(Now));

        jar.Store("acct-1", ["__cf_bm=abc123; path=/; expires=Tue, 01-Dec-26 09:30:00 GMT; domain=.chatgpt.com; HttpOnly; Secure", "_cfuvid=uv.1-2; path=/; HttpOnly; Secure", "oai-did=tracking; path=/"]);

        Assert.Equal("__cf_bm=abc123; _cfuvid=uv.1-2", jar.CookieHeader("acct-1"));
        Assert.Null(jar.CookieHeader("acct-2"));
    }

    [Fact]
    public void ExpiredCookies_AreDropped_AndMaxAgeWinsOverExpires()
    {
        var time = new FakeTimeProvider(Now);
        var jar = new CloudflareCookieJar(time);
        jar.Store("acct", ["__cf_bm=short; Max-Age=60; Expires=Wed, 01-Dec-27 09:00:00 GMT", "_cfuvid=long"]);

        time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal("_cfuvid=long", jar.CookieHeader("acct"));
    }

    [Fact]
    public void ACookieSetAgain_ReplacesTheOldValue_AndMaxAgeZeroDeletesIt()
    {
        var jar = new CloudflareCookieJar(new FakeTimeProvider(Now));
        jar.Store("acct", ["__cf_bm=one", "_cfuvid=u"]);

        jar.Store("acct", ["__cf_bm=two"]);
        Assert.Equal("__cf_bm=two; _cfuvid=u", jar.CookieHeader("acct"));

        jar.Store("acct", ["_cfuvid=gone; Max-Age=0"]);
        Assert.Equal("__cf_bm=two", jar.CookieHeader("acct"));
    }

    [Theory]
    [InlineData("cf_chl_rc_m=1", true)]
    [InlineData("cf_clearance=x", true)]
    [InlineData("__Secure-next-auth.session-token=x", false)]
    [InlineData("=novalue", false)]
    [InlineData("__cf_bm=has space", false)]
    public void OnlyWellFormedCloudflareCookies_AreKept(string setCookie, bool kept)
    {
        Assert.Equal(kept, CloudflareCookieJar.Parse(setCookie, Now) is not null);
    }
}
