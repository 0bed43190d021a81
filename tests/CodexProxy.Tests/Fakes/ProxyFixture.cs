using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The real proxy (<see cref="ProxyApp.Create"/>) on 127.0.0.1, port 0, with a temporary home holding a
/// <c>tokens.json</c> (or none, for the not-logged-in case), pointed at a fake (or unreachable) Codex backend.
/// </summary>
internal sealed class ProxyFixture : IAsyncDisposable
{
    public const string AccountId = "e2e-account-7f3a9c";
    public const string PlanType = "plus";
    public const string RefreshToken = "rt_e2e_refresh_token";

    private readonly WebApplication _app;

    private ProxyFixture(WebApplication app, string home, string? accessToken, Uri baseAddress)
    {
        _app = app;
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

    public static async Task<ProxyFixture> StartAsync(
        Uri codexBaseUrl,
        bool loggedIn = true,
        Action<WebApplicationBuilder>? configure = null,
        Uri? authBaseUrl = null,
        Func<ProxyOptions, ProxyOptions>? adjust = null,
        CancellationToken cancellationToken = default)
    {
        var home = Directory.CreateTempSubdirectory("codex-proxy-e2e-").FullName;
        string? accessToken = null;
        if (loggedIn)
        {
            accessToken = FakeJwt.Create(AccountId, PlanType, DateTimeOffset.UtcNow.AddDays(30));
            await WriteTokensAsync(Path.Combine(home, "tokens.json"), accessToken, cancellationToken);
        }

        // Token refresh must never reach the real auth.openai.com from a test.
        var options = new ProxyOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            Home = home,
            CodexBaseUrl = codexBaseUrl,
            AuthBaseUrl = authBaseUrl ?? UnreachableUrl(),
        };
        options = adjust?.Invoke(options) ?? options;
        var app = ProxyApp.Create(options, builder =>
        {
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyFixture(app, home, accessToken, new Uri(address));
    }

    public static Task<ProxyFixture> StartAsync(FakeCodexUpstream upstream, CancellationToken cancellationToken) =>
        StartAsync(upstream.BaseUrl, cancellationToken: cancellationToken);

    /// <summary>A loopback URL where nothing listens (connection refused).</summary>
    public static Uri UnreachableUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
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

    private static async Task WriteTokensAsync(string path, string accessToken, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("access_token", accessToken);
        writer.WriteString("refresh_token", RefreshToken);
        writer.WriteNumber("expires_at", DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeMilliseconds());
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}
