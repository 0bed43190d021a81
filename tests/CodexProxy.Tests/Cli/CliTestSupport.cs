using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace CodexProxy.Tests.Cli;

/// <summary>Shared rig for the CLI tests: a canned Codex upstream, an in-process proxy, and child-process runs.</summary>
internal static class CliTestSupport
{
    /// <summary>The fake Codex backend answering every request with the <c>text.sse</c> transcript.</summary>
    public static async Task<FakeCodexUpstream> StartCannedUpstreamAsync(CancellationToken cancellationToken)
    {
        var upstream = await FakeCodexUpstream.StartAsync(cancellationToken);
        upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
        return upstream;
    }

    /// <summary>The real proxy on a loopback port, logged in with a placeholder token, talking to <paramref name="upstream"/>.</summary>
    public static async Task<WebApplication> StartProxyAsync(Uri upstream, string home, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "tokens.json"),
            """{"access_token":"test-access","refresh_token":"test-refresh","expires_at":4102444800000,"chatgpt_account_id":"acct"}""",
            cancellationToken);
        var app = ProxyApp.Create(new ProxyOptions { Host = "127.0.0.1", Port = 0, CodexBaseUrl = upstream, Home = home },
            builder => builder.Logging.ClearProviders());
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>A plain, wide, non-interactive console whose output the test reads back.</summary>
    public static (IAnsiConsole Console, StringWriter Output) PlainConsole()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        return (console, output);
    }

    public static Uri BaseAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs the built CLI (<c>dotnet chatgpt-codex-proxy.dll args…</c>) with a clean Claude Code environment.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string> variables, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ANTHROPIC_", StringComparison.Ordinal)
                     || k is "PORT" or "CHATGPT_CODEX_PROXY_PORT" or "LOG_FILE" or "CLAUDE_CONFIG_DIR").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DISABLE_TELEMETRY"] = "1";
        start.Environment["CLAUDE_CODE_MAX_RETRIES"] = "0";
        start.Environment["TERM"] = "dumb";
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return await ProcessRunner.RunSplitAsync(start, timeout, cancellationToken);
    }
}
