using System.Globalization;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>Stickiness, failover, rest until the reset, most allowance first and the all-limited answer, on an
/// injected clock.</summary>
public sealed class AccountRouterTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("cxp-router-");
    private readonly AccountRouter _router;
    private readonly CodexAccount _default;
    private readonly CodexAccount _work;
    private readonly CodexAccount _spare;

    public AccountRouterTests()
    {
        _router = Router(AccountRouter.DefaultCapacity);
        _default = Account("default");
        _work = Account("work");
        _spare = Account("spare");
    }

    private IReadOnlyList<CodexAccount> Two => [_default, _work];

    private IReadOnlyList<CodexAccount> Three => [_default, _work, _spare];

    [Fact]
    public void NewConversation_GoesToTheAccountWithTheMostAllowanceLeft()
    {
        Use(_default, fiveHour: 60, weekly: 20);
        Use(_work, fiveHour: 5, weekly: 40);

        Assert.Equal(_work, _router.Choose("conversation-1", Two));
    }

    [Fact]
    public void NewConversation_OnATie_GoesToTheDefault()
    {
        Use(_default, fiveHour: 30, weekly: 10);
        Use(_work, fiveHour: 10, weekly: 30);

        Assert.Equal(_default, _router.Choose("conversation-1", Two));
        Assert.Equal(_default, _router.Choose(conversation: null, Two));
    }

    [Fact]
    public void WindowThatHasReset_CountsAsUnused()
    {
        Use(_default, fiveHour: 95, weekly: 10, fiveHourResetsIn: TimeSpan.FromMinutes(10));
        Use(_work, fiveHour: 50, weekly: 10);

        Assert.Equal(_work, _router.Choose("before-reset", Two));
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(_default, _router.Choose("after-reset", Two));
    }

    [Fact]
    public void Conversation_SticksToItsAccount_WhileAnotherHasMoreAllowance()
    {
        Assert.Equal(_default, _router.Choose("conversation-1", Two));
        Use(_default, fiveHour: 90, weekly: 50);

        Assert.Equal(_default, _router.Choose("conversation-1", Two));
        Assert.Equal(_work, _router.Choose("conversation-2", Two));
        Assert.Equal(_default.Name, _router.AccountOf("conversation-1"));
    }

    [Fact]
    public void UsageLimit_MovesTheRequestToAnotherAccount_AndTheConversationStaysThere()
    {
        Assert.Equal(_default, _router.Choose("conversation-1", Two));

        var next = _router.FailOver("conversation-1", _default, Start.AddHours(2), [_default.Name], Two);

        Assert.Equal(_work, next);
        Assert.Equal(_work.Name, _router.AccountOf("conversation-1"));
        Assert.Equal(_work, _router.Choose("conversation-1", Two));
    }

    [Fact]
    public void LimitedAccount_RestsUntilItsReset_ThenTakesNewConversationsAgain()
    {
        Use(_work, fiveHour: 70, weekly: 70);
        _router.FailOver("conversation-1", _default, Start.AddHours(2), [_default.Name], Two);

        Assert.Equal(Start.AddHours(2), _router.RestingUntil(_default.Name));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(_work, _router.Choose("conversation-2", Two));

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Null(_router.RestingUntil(_default.Name));
        Assert.Equal(_default, _router.Choose("conversation-3", Two));
        Assert.Equal(_work, _router.Choose("conversation-1", Two));
    }

    [Fact]
    public void StickyAccount_ThatIsResting_MovesTheConversationOnItsNextRequest()
    {
        Assert.Equal(_default, _router.Choose("conversation-1", Two));
        _router.FailOver("conversation-2", _default, Start.AddHours(1), [_default.Name], Two);

        Assert.Equal(_work, _router.Choose("conversation-1", Two));
        Assert.Equal(_work.Name, _router.AccountOf("conversation-1"));
    }

    [Fact]
    public void UsageLimitWithoutAReset_RestsForTheFixedPause()
    {
        _router.FailOver("conversation-1", _default, resetsAt: null, [_default.Name], Two);

        Assert.Equal(Start + AccountRouter.RestWithoutKnownReset, _router.RestingUntil(_default.Name));
    }

    [Fact]
    public void FailOver_PicksTheAccountWithTheMostAllowanceAmongTheRest()
    {
        Use(_work, fiveHour: 80, weekly: 10);
        Use(_spare, fiveHour: 20, weekly: 10);

        Assert.Equal(_spare, _router.FailOver("conversation-1", _default, Start.AddHours(1), [_default.Name], Three));
    }

    [Fact]
    public void EveryAccountLimited_NoFailOver_AndTheSoonestResetIsNamed()
    {
        Assert.Equal(_work, _router.FailOver("conversation-1", _default, Start.AddHours(3), [_default.Name], Two));

        Assert.Null(_router.FailOver("conversation-1", _work, Start.AddMinutes(40), [_default.Name, _work.Name], Two));
        Assert.Equal(Start.AddMinutes(40), _router.SoonestReset(Two));
    }

    [Fact]
    public void EveryAccountResting_NewRequestGoesToTheOneBackFirst()
    {
        _router.FailOver("a", _default, Start.AddHours(3), [_default.Name], Two);
        _router.FailOver("b", _work, Start.AddHours(1), [_work.Name], Two);

        Assert.Equal(_work, _router.Choose("conversation-new", Two));
    }

    [Fact]
    public void OneAccount_IsAlwaysChosen_AndNeverRemembered()
    {
        IReadOnlyList<CodexAccount> one = [_default];

        Assert.Equal(_default, _router.Choose("conversation-1", one));
        Assert.Equal(_default, _router.Choose("conversation-1", one));
        Assert.Equal(0, _router.Count);
    }

    [Fact]
    public void ConversationTable_IsBounded_LeastRecentlyUsedFirstOut()
    {
        var router = Router(capacity: 3);
        foreach (var key in new[] { "c1", "c2", "c3" })
        {
            router.Choose(key, Two);
        }

        router.Choose("c1", Two);
        router.Choose("c4", Two);

        Assert.Equal(3, router.Count);
        Assert.Null(router.AccountOf("c2"));
        Assert.NotNull(router.AccountOf("c1"));
    }

    [Fact]
    public void IdleConversations_AreForgotten()
    {
        _router.Choose("old-1", Two);
        _router.Choose("old-2", Two);
        _time.Advance(AccountRouter.IdleExpiry);

        _router.Choose("new", Two);

        Assert.Equal(1, _router.Count);
        Assert.Null(_router.AccountOf("old-1"));
    }

    public void Dispose() => _home.Delete(recursive: true);

    private AccountRouter Router(int capacity)
    {
        var auth = new AuthComponents(
            new ProxyOptions { Home = _home.FullName }, new CodexCliAuthFile(Path.Combine(_home.FullName, "codex.json")), new HttpClient(), _time,
            NullLoggerFactory.Instance);
        return new AccountRouter(new AccountPool(auth, new FixedCodexCredentials("token", "account"), _time), _time, capacity);
    }

    private CodexAccount Account(string name)
    {
        var usagePath = Path.Combine(_home.FullName, name, "usage.json");
        Directory.CreateDirectory(Path.GetDirectoryName(usagePath)!);
        return new CodexAccount(
            AccountName.Parse(name), new FixedCodexCredentials("token-" + name, "id-" + name), new UsageWindowsStore(usagePath, _time, NullLogger.Instance));
    }

    private static void Use(CodexAccount account, double fiveHour, double weekly, TimeSpan? fiveHourResetsIn = null)
    {
        using var response = new HttpResponseMessage();
        var headers = response.Headers;
        headers.Add("x-codex-primary-used-percent", fiveHour.ToString(CultureInfo.InvariantCulture));
        headers.Add("x-codex-primary-window-minutes", "300");
        headers.Add("x-codex-primary-reset-after-seconds", ((long)(fiveHourResetsIn ?? TimeSpan.FromHours(4)).TotalSeconds).ToString(CultureInfo.InvariantCulture));
        headers.Add("x-codex-secondary-used-percent", weekly.ToString(CultureInfo.InvariantCulture));
        headers.Add("x-codex-secondary-window-minutes", "10080");
        headers.Add("x-codex-secondary-reset-after-seconds", "400000");
        account.Usage.OnResponseHeaders(headers);
    }
}
