using System.Text;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Hosting;
using CodexProxy.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>The real proxy on 127.0.0.1:0 in front of a <see cref="FaultUpstream"/>, with captured log sinks,
/// fixed credentials and millisecond retry delays.</summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    public const string AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLWtub3duLXRva2VuIn0.c2lnbmF0dXJlLWtub3duLXZhbHVl";

    private readonly WebApplication _app;
    private readonly string _directory;

    private ProxyHarness(WebApplication app, FaultUpstream upstream, StringWriter console, string directory, HttpClient client)
    {
        _app = app;
        Upstream = upstream;
        Console = console;
        _directory = directory;
        Client = client;
    }

    public FaultUpstream Upstream { get; }

    public StringWriter Console { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public string LogFile => Path.Combine(_directory, "proxy.log");

    /// <summary>The log file as written so far (each line is flushed as it is logged).</summary>
    public async Task<string> ReadLogFileAsync()
    {
        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<ProxyHarness> StartAsync(Func<ProxyOptions, ProxyOptions>? adjust = null, Uri? upstreamOverride = null)
    {
        var upstream = await FaultUpstream.StartAsync();
        var directory = Directory.CreateTempSubdirectory("cxp-test-").FullName;
        var options = new ProxyOptions
        {
            Port = 0,
            CodexBaseUrl = upstreamOverride ?? upstream.BaseUrl,
            Home = directory,
            LogFile = Path.Combine(directory, "proxy.log"),
            UpstreamIdleTimeout = TimeSpan.FromSeconds(1),
        };
        options = adjust?.Invoke(options) ?? options;
        var console = new StringWriter(new StringBuilder());
        var app = ProxyApp.Create(options, builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<ICodexCredentials>(new FixedCredentials()));
            builder.Services.Replace(ServiceDescriptor.Singleton(new LogSinks(TextWriter.Synchronized(console), options.LogFile)));
            builder.Services.Replace(ServiceDescriptor.Singleton(new UpstreamRetryPolicy(3, TimeSpan.FromMilliseconds(2))));
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new ProxyHarness(app, upstream, console, directory, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Upstream.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
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
