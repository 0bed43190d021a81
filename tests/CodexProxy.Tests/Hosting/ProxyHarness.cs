using System.Text;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Logging;
using CodexProxy.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit;
using static CodexProxy.Tests.Fakes.UpstreamScript;

namespace CodexProxy.Tests.Hosting;

/// <summary>A <see cref="ProxyFixture"/> in front of a <see cref="FakeCodexUpstream"/> that runs <see cref="Script"/>
/// for every attempt, with captured log sinks, fixed credentials and millisecond retry delays.</summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    public const string AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLWtub3duLXRva2VuIn0.c2lnbmF0dXJlLWtub3duLXZhbHVl";

    private readonly ProxyFixture _proxy;

    private ProxyHarness(ProxyFixture proxy, FakeCodexUpstream upstream, StringWriter console)
    {
        _proxy = proxy;
        Upstream = upstream;
        Console = console;
        upstream.Responder = request => UpstreamScenario.Script(http => Script(http, request.Number));
    }

    /// <summary>Writes the answer to each attempt (1-based number); a plain text turn by default.</summary>
    public Func<HttpContext, int, Task> Script { get; set; } = static (http, _) => WriteSseAsync(http, TextTurn("Hello"));

    public FakeCodexUpstream Upstream { get; }

    public StringWriter Console { get; }

    public HttpClient Client => _proxy.Client;

    public IServiceProvider Services => _proxy.Services;

    public string LogFile => Path.Combine(_proxy.Home, "proxy.log");

    /// <summary>The log file as written so far (each line is flushed as it is logged).</summary>
    public async Task<string> ReadLogFileAsync()
    {
        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<ProxyHarness> StartAsync(Func<ProxyOptions, ProxyOptions>? adjust = null, Uri? upstreamOverride = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.ValidateRequests = false;
        var console = new StringWriter(new StringBuilder());
        var logFile = "";
        var proxy = await ProxyFixture.StartAsync(
            upstreamOverride ?? upstream.BaseUrl,
            loggedIn: false,
            configure: builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<ICodexCredentials>(new FixedCredentials()));
                // ProxyFixture silences logging; these tests read the proxy's own sinks, so put its provider back.
                builder.Services.Replace(ServiceDescriptor.Singleton(new LogSinks(TextWriter.Synchronized(console), logFile)));
                builder.Services.AddSingleton<ILoggerProvider, ProxyLoggerProvider>();
                builder.Services.Replace(ServiceDescriptor.Singleton(new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(2))));
            },
            adjust: options =>
            {
                options = options with { LogFile = Path.Combine(options.Home, "proxy.log"), UpstreamIdleTimeout = TimeSpan.FromSeconds(1) };
                options = adjust?.Invoke(options) ?? options;
                logFile = options.LogFile;
                return options;
            },
            cancellationToken: ct);
        return new ProxyHarness(proxy, upstream, console);
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    private sealed class FixedCredentials : ICodexCredentials
    {
        public bool HasLogin => true;

        public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CodexCredential(AccessToken, "acct-1"));

        public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
            ValueTask.FromResult(rejected);
    }
}
