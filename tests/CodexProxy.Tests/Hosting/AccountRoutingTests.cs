using System.Net;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The real proxy with two ChatGPT accounts against the fake backend, where one runs out: a usage limit before any
/// output moves the request to the other account without the client noticing, the conversation stays there, every
/// account limited is the usual 429 with the soonest reset, and an account logged in while the proxy runs is used.
/// </summary>
public sealed class AccountRoutingTests
{
    private const string Work = "work";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DefaultId => ProxyFixture.AccountIdFor("default");

    private static string WorkId => ProxyFixture.AccountIdFor(Work);

    [Fact]
    public async Task UsageLimitBeforeOutput_MovesTheRequestToTheOtherAccount_AndTheConversationStaysThere()
    {
        await using var fake = await FakeCodexUpstream.StartAsync(Ct);
        fake.Responder = _ => UpstreamScenario.Transcript("text-template.sse").With("TEXT", "answered");
        fake.ExhaustAccount(DefaultId, DateTimeOffset.UtcNow.AddHours(2));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work], CaptureLogs = true }, Ct);

        var (firstStatus, firstBody) = await SendAsync(proxy, "session-a", stream: true, "first question");
        var (secondStatus, secondBody) = await SendAsync(proxy, "session-a", stream: false, "first question", "second question");

        Assert.Equal(200, firstStatus);
        Assert.Contains("answered", firstBody, StringComparison.Ordinal);
        Assert.Null(ProxyRequests.StreamErrorType(firstBody));
        Assert.Equal(200, secondStatus);
        Assert.Contains("answered", secondBody, StringComparison.Ordinal);
        var requests = fake.Requests;
        Assert.Equal([DefaultId, WorkId, WorkId], Accounts(requests));
        Assert.Single(requests.Select(r => r.PromptCacheKey).Distinct());
        Assert.NotNull(requests[0].PromptCacheKey);
        Assert.Equal("Bearer " + proxy.AccessToken, requests[0].Header("Authorization"));
        Assert.NotEqual(requests[0].Header("Authorization"), requests[1].Header("Authorization"));
        var log = await proxy.ReadLogFileAsync(Ct);
        Assert.Contains("account=work status=200", log, StringComparison.Ordinal);
        Assert.Contains("moving the request to account work", log, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(proxy.Home, "accounts", Work, "usage.json")), "the work account keeps its own usage.json");
    }

    [Fact]
    public async Task UsageLimitInTheStreamBeforeOutput_AlsoMovesTheRequest()
    {
        await using var fake = await FakeCodexUpstream.StartAsync(Ct);
        const string limited = """{"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"type":"usage_limit_reached","message":"The usage limit has been reached","resets_in_seconds":3600}}}""";
        fake.Enqueue(UpstreamScenario.Script(http => UpstreamScript.WriteSseAsync(http, UpstreamScript.Created, limited)));
        fake.Responder = _ => UpstreamScenario.Transcript("text-template.sse").With("TEXT", "answered");
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work] }, Ct);

        var (status, body) = await SendAsync(proxy, "session-a", stream: true, "hello");

        Assert.Equal(200, status);
        Assert.Contains("answered", body, StringComparison.Ordinal);
        Assert.Null(ProxyRequests.StreamErrorType(body));
        Assert.Equal([DefaultId, WorkId], Accounts(fake.Requests));
    }

    [Fact]
    public async Task NewConversation_WhileAnAccountRests_GoesStraightToTheOther()
    {
        await using var fake = await FakeCodexUpstream.StartAsync(Ct);
        fake.Responder = _ => UpstreamScenario.Transcript("text-template.sse").With("TEXT", "answered");
        fake.ExhaustAccount(DefaultId, DateTimeOffset.UtcNow.AddHours(2));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work] }, Ct);

        await SendAsync(proxy, "session-a", stream: false, "first conversation");
        var (status, _) = await SendAsync(proxy, "session-b", stream: false, "another conversation");

        Assert.Equal(200, status);
        Assert.Equal([DefaultId, WorkId, WorkId], Accounts(fake.Requests));
    }

    [Fact]
    public async Task EveryAccountLimited_AnswersTheUsual429NamingTheSoonestReset()
    {
        await using var fake = await FakeCodexUpstream.StartAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        fake.ExhaustAccount(DefaultId, now.AddHours(3));
        fake.ExhaustAccount(WorkId, now.AddMinutes(40));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work] }, Ct);

        using var request = Post("session-a", stream: false, "hello");
        using var response = await proxy.Client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_error", ProxyRequests.ErrorType(body));
        Assert.Contains("Every one of your 2 ChatGPT accounts", body, StringComparison.Ordinal);
        Assert.Contains("(in 39 min", body, StringComparison.Ordinal);
        var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        Assert.InRange(retryAfter.TotalSeconds, 40 * 60 - 60, 40 * 60);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal([DefaultId, WorkId], Accounts(fake.Requests));
    }

    [Fact]
    public async Task AccountLoggedInWhileRunning_TakesOverWithoutARestart()
    {
        await using var fake = await FakeCodexUpstream.StartAsync(Ct);
        fake.Responder = _ => UpstreamScenario.Transcript("text-template.sse").With("TEXT", "answered");
        fake.ExhaustAccount(DefaultId, DateTimeOffset.UtcNow.AddHours(2));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { CaptureLogs = true }, Ct);

        var (aloneStatus, aloneBody) = await SendAsync(proxy, "session-a", stream: false, "hello");
        await proxy.AddAccountAsync(Work, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        var (status, _) = await SendAsync(proxy, "session-a", stream: false, "hello");

        Assert.Equal(429, aloneStatus);
        Assert.Contains("You have reached your ChatGPT plus usage limit", aloneBody, StringComparison.Ordinal);
        Assert.Equal(200, status);
        // The default account's last windows (from its 429) say 100 % used, so the request goes straight to the new one.
        Assert.Equal([DefaultId, WorkId], Accounts(fake.Requests));
        var lines = (await proxy.ReadLogFileAsync(Ct)).Split('\n');
        Assert.DoesNotContain("account=", lines.First(l => l.Contains("status=429", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountLoggedOutWhileRunning_IsNoLongerUsed()
    {
        await using var fake = await FakeCodexUpstream.StartAsync(Ct);
        fake.Responder = _ => UpstreamScenario.Transcript("text-template.sse").With("TEXT", "answered");
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { FurtherAccounts = [Work] }, Ct);
        fake.ExhaustAccount(DefaultId, DateTimeOffset.UtcNow.AddHours(2));
        await SendAsync(proxy, "session-a", stream: false, "hello");

        File.Delete(Path.Combine(proxy.Home, "accounts", Work, "tokens.json"));
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        var (status, _) = await SendAsync(proxy, "session-a", stream: false, "hello");

        Assert.Equal(429, status);
        Assert.Equal([DefaultId, WorkId, DefaultId], Accounts(fake.Requests));
    }

    private static string[] Accounts(IEnumerable<RecordedRequest> requests) => [.. requests.Select(r => r.AccountId ?? "(none)")];

    private static async Task<(int Status, string Body)> SendAsync(ProxyFixture proxy, string session, bool stream, params string[] userTurns)
    {
        using var request = Post(session, stream, userTurns);
        using var response = await proxy.Client.SendAsync(request, Ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A Claude Code-shaped request of <paramref name="session"/>: the user turns alternate with short answers,
    /// so every request of one session shares its first user message (and so its conversation key).</summary>
    private static HttpRequestMessage Post(string session, bool stream, params string[] userTurns)
    {
        var messages = string.Join(",", userTurns.Select((text, i) =>
            (i > 0 ? """{"role":"assistant","content":[{"type":"text","text":"answered"}]},""" : "")
            + $$"""{"role":"user","content":[{"type":"text","text":"{{text}}"}]}"""));
        var body = $$"""{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":{{(stream ? "true" : "false")}},"system":[{"type":"text","text":"You are Claude Code."}],"messages":[{{messages}}]}""";
        var request = ProxyRequests.Post(body);
        request.Headers.TryAddWithoutValidation("X-Claude-Code-Session-Id", session);
        return request;
    }
}
