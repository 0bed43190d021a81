using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Xunit;
using static CodexProxy.Tests.Fakes.UpstreamScript;

namespace CodexProxy.Tests.Hosting;

/// <summary>The fault-test preset of <see cref="ProxyFixture"/> in front of a <see cref="FakeCodexUpstream"/> that runs
/// <see cref="Script"/> for every attempt: captured logs, fixed credentials, millisecond retry delays, a 1 s idle timeout
/// and no request validation (the tests send deliberately odd requests).</summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    public const string AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLWtub3duLXRva2VuIn0.c2lnbmF0dXJlLWtub3duLXZhbHVl";

    private readonly ProxyFixture _proxy;

    private ProxyHarness(ProxyFixture proxy, FakeCodexUpstream upstream)
    {
        _proxy = proxy;
        Upstream = upstream;
        upstream.Responder = request => UpstreamScenario.Script(http => Script(http, request.Number));
    }

    /// <summary>Writes the answer to each attempt (1-based number); a plain text turn by default.</summary>
    public Func<HttpContext, int, Task> Script { get; set; } = static (http, _) => WriteSseAsync(http, TextTurn("Hello"));

    public FakeCodexUpstream Upstream { get; }

    public StringWriter Console => _proxy.Console;

    public HttpClient Client => _proxy.Client;

    public IServiceProvider Services => _proxy.Services;

    public string LogFile => _proxy.LogFile;

    /// <summary>The log file with every line logged before the call.</summary>
    public Task<string> ReadLogFileAsync() => _proxy.ReadLogFileAsync(TestContext.Current.CancellationToken);

    public static async Task<ProxyHarness> StartAsync(Func<ProxyOptions, ProxyOptions>? adjust = null, Uri? upstreamOverride = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.ValidateRequests = false;
        var proxy = await ProxyFixture.StartAsync(
            upstreamOverride ?? upstream.BaseUrl,
            new ProxyFixtureOptions
            {
                LoggedIn = false,
                Credentials = new FixedCodexCredentials(AccessToken, "acct-1"),
                CaptureLogs = true,
                RetryPolicy = new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(2)),
                Adjust = options =>
                {
                    options = options with { UpstreamIdleTimeout = TimeSpan.FromSeconds(1) };
                    return adjust?.Invoke(options) ?? options;
                },
            },
            ct);
        return new ProxyHarness(proxy, upstream);
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
