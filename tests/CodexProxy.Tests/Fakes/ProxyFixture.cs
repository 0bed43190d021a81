using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The real proxy (<see cref="ProxyApp.Create"/>) on 127.0.0.1, port 0, with a temporary home holding a
/// <c>tokens.json</c> (or none, for the not-logged-in case), pointed at a fake (or unreachable) Codex backend.
/// The one way tests start the proxy in-process; <see cref="ProxyFixtureOptions"/> says what to change.
/// </summary>
internal sealed class ProxyFixture : IAsyncDisposable
{
    public const string AccountId = "e2e-account-7f3a9c";
    public const string PlanType = "plus";
    public const string RefreshToken = "rt_e2e_refresh_token";

    private readonly WebApplication _app;
    private readonly StringWriter? _console;

    private ProxyFixture(WebApplication app, string home, string? accessToken, Uri baseAddress, StringWriter? console, string logFile)
    {
        _app = app;
        _console = console;
        LogFile = logFile;
        Home = home;
        AccessToken = accessToken;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The proxy's <c>CHATGPT_CODEX_PROXY_HOME</c>; deleted on dispose.</summary>
    public string Home { get; }

    /// <summary>The access token in <c>tokens.json</c>; null when not logged in.</summary>
    public string? AccessToken { get; }

    public Uri BaseAddress { get; }

    /// <summary>An HttpClient whose base address is the proxy.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The proxy's console log lines (with <see cref="ProxyFixtureOptions.CaptureLogs"/>).</summary>
    public StringWriter Console => _console ?? throw new InvalidOperationException("Start the fixture with CaptureLogs to read its console.");

    /// <summary>The proxy's log file (inside <see cref="Home"/> with <see cref="ProxyFixtureOptions.CaptureLogs"/>).</summary>
    public string LogFile { get; }

    public static Task<ProxyFixture> StartAsync(
        Uri codexBaseUrl,
        bool loggedIn = true,
        Action<WebApplicationBuilder>? configure = null,
        Uri? authBaseUrl = null,
        Func<ProxyOptions, ProxyOptions>? adjust = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(
            codexBaseUrl,
            new ProxyFixtureOptions { LoggedIn = loggedIn, Configure = configure, AuthBaseUrl = authBaseUrl, Adjust = adjust },
            cancellationToken);

    public static Task<ProxyFixture> StartAsync(FakeCodexUpstream upstream, CancellationToken cancellationToken) =>
        StartAsync(upstream.BaseUrl, cancellationToken: cancellationToken);

    public static Task<ProxyFixture> StartAsync(FakeCodexUpstream upstream, ProxyFixtureOptions options, CancellationToken cancellationToken) =>
        StartAsync(upstream.BaseUrl, options, cancellationToken);

    public static async Task<ProxyFixture> StartAsync(Uri codexBaseUrl, ProxyFixtureOptions fixture, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("codex-proxy-e2e-").FullName;
        string? accessToken = null;
        if (fixture.LoggedIn)
        {
            var expiresAt = fixture.TokensExpireAt ?? DateTimeOffset.UtcNow.AddDays(30);
            accessToken = FakeJwt.Create(AccountId, PlanType, expiresAt);
            await WriteTokensAsync(Path.Combine(home, "tokens.json"), accessToken, expiresAt, cancellationToken);
        }

        foreach (var account in fixture.FurtherAccounts)
        {
            await WriteAccountAsync(home, account, cancellationToken);
        }

        // Token refresh must never reach the real auth.openai.com from a test.
        var options = new ProxyOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            Home = home,
            CodexBaseUrl = codexBaseUrl,
            AuthBaseUrl = fixture.AuthBaseUrl ?? UnreachableUrl(),
        };
        if (fixture.CaptureLogs)
        {
            options = options with { LogFile = Path.Combine(home, "proxy.log") };
        }

        options = fixture.Adjust?.Invoke(options) ?? options;
        var console = fixture.CaptureLogs ? new StringWriter(new StringBuilder()) : null;
        var app = ProxyApp.Create(options, builder =>
        {
            builder.Logging.ClearProviders();
            if (console is not null)
            {
                // The proxy's own provider, writing to sinks the test reads.
                builder.Services.Replace(ServiceDescriptor.Singleton(new LogSinks(TextWriter.Synchronized(console), options.LogFile)));
                builder.Services.AddSingleton<ILoggerProvider, ProxyLoggerProvider>();
            }

            if (fixture.Credentials is { } credentials)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(credentials));
            }

            if (fixture.RetryPolicy is { } retryPolicy)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(retryPolicy));
            }

            fixture.Configure?.Invoke(builder);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyFixture(app, home, accessToken, new Uri(address), console, options.LogFile);
    }

    /// <summary>The ChatGPT account id in the tokens of the fixture's account <paramref name="account"/>.</summary>
    public static string AccountIdFor(string account) => account == "default" ? AccountId : $"e2e-account-{account}";

    /// <summary>Logs a further account in while the proxy runs, as <c>login --account</c> would.</summary>
    public Task AddAccountAsync(string account, CancellationToken cancellationToken) => WriteAccountAsync(Home, account, cancellationToken);

    /// <summary>A loopback URL where nothing listens (connection refused).</summary>
    public static Uri UnreachableUrl() => new($"http://127.0.0.1:{FreePort()}");

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The log file as written so far (each line is flushed as it is logged).</summary>
    /// <summary>The log file with every line logged before the call (the proxy writes its log in the background).</summary>
    public async Task<string> ReadLogFileAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in _app.Services.GetServices<ILoggerProvider>().OfType<ProxyLoggerProvider>())
        {
            await provider.FlushAsync().WaitAsync(cancellationToken);
        }

        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static Task WriteAccountAsync(string home, string account, CancellationToken cancellationToken)
    {
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);
        var directory = Directory.CreateDirectory(Path.Combine(home, "accounts", account));
        return WriteTokensAsync(
            Path.Combine(directory.FullName, "tokens.json"), FakeJwt.Create(AccountIdFor(account), PlanType, expiresAt), expiresAt, cancellationToken);
    }

    private static async Task WriteTokensAsync(string path, string accessToken, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("access_token", accessToken);
        writer.WriteString("refresh_token", RefreshToken);
        writer.WriteNumber("expires_at", expiresAt.ToUnixTimeMilliseconds());
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}
