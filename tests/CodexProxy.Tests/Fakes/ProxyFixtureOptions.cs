using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using Microsoft.AspNetCore.Builder;

namespace CodexProxy.Tests.Fakes;

/// <summary>How <see cref="ProxyFixture.StartAsync(Uri, ProxyFixtureOptions, CancellationToken)"/> sets the proxy up.
/// The defaults are the plain case: logged in through a <c>tokens.json</c>, logging silenced, production retries.</summary>
internal sealed record ProxyFixtureOptions
{
    /// <summary>Write a <c>tokens.json</c> (a fake JWT for <see cref="ProxyFixture.AccountId"/>); false for the not-logged-in case.</summary>
    public bool LoggedIn { get; init; } = true;

    /// <summary>When <see cref="LoggedIn"/>, the refresh-free expiry written to <c>tokens.json</c>; 30 days from now by default.</summary>
    public DateTimeOffset? TokensExpireAt { get; init; }

    /// <summary>Further ChatGPT accounts, each logged in through <c>accounts/&lt;name&gt;/tokens.json</c> for
    /// <see cref="ProxyFixture.AccountIdFor"/>(name).</summary>
    public IReadOnlyList<string> FurtherAccounts { get; init; } = [];

    /// <summary>Replaces the token store with fixed credentials (no <c>tokens.json</c> is read or refreshed).</summary>
    public ICodexCredentials? Credentials { get; init; }

    /// <summary>Keep the proxy's own log sinks: the console lines go to <see cref="ProxyFixture.Console"/>, the file to
    /// <see cref="ProxyFixture.LogFile"/> inside the fixture's home.</summary>
    public bool CaptureLogs { get; init; }

    /// <summary>Replaces the upstream retry policy, e.g. millisecond delays for fault tests.</summary>
    public UpstreamRetryPolicy? RetryPolicy { get; init; }

    /// <summary>Where token refreshes go; a closed loopback port by default, so a test never reaches auth.openai.com.</summary>
    public Uri? AuthBaseUrl { get; init; }

    /// <summary>Last word on the <see cref="ProxyOptions"/> (after the fixture's home, port and URLs are set).</summary>
    public Func<ProxyOptions, ProxyOptions>? Adjust { get; init; }

    /// <summary>Last word on the host builder (after the fixture's own service replacements).</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }
}
