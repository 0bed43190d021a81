using System.Text;
using CodexProxy.Auth;
using CodexProxy.Cli;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Logging;
using CodexProxy.Tests.Fakes;
using CodexProxy.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Xunit;
using static CodexProxy.Tests.Fakes.UpstreamScript;

namespace CodexProxy.Tests.Logging;

/// <summary>
/// Issue #5's proof: a real login (the CLI's own flow and loggers), then the proxy refreshing expiring tokens and
/// recovering from a 401, with a hostile upstream echoing the Authorization header, all logged at Trace to a console
/// and a rotating file. No token, code, verifier, key or cookie may appear in any sink; the sinks must not be empty.
/// </summary>
public sealed class LogLeakEndToEndTests : IAsyncDisposable
{
    private const string ProxyKey = "pk-leak-e2e-known-proxy-key-5150";
    private const string CookieValue = "ck-leak-e2e-known-cookie-7331";

    /// <summary>Small enough that the run rotates the file at least once, so the <c>.1</c> file is read too.</summary>
    private const long RotateBytes = 8 * 1024;

    private readonly string _root = Directory.CreateTempSubdirectory("cxp-leak-").FullName;
    private readonly StringWriter _console = new(new StringBuilder());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_root, "home");

    private string LogFile => Path.Combine(_root, "logs", "proxy.log");

    [Fact]
    public async Task LoginRefreshAndRequestsAtTrace_WithKnownTokens_LeaveNoSecretInAnySink()
    {
        await using var oauth = await FakeOAuthServer.StartAsync();
        // The login's access token is inside the refresh window, so the first request must refresh it.
        oauth.AccessTokenLifetime = TimeSpan.FromMinutes(1);
        Assert.Equal(0, await LogInAsync(oauth));
        oauth.AccessTokenLifetime = TimeSpan.FromHours(1);

        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ValidateRequests = false;
        var rejectedOnce = 0;
        upstream.Responder = request => request.BodyText switch
        {
            // A hostile backend: echoes the credential it was sent, in an error body and in a stream failure.
            var body when body.Contains("echo-http", StringComparison.Ordinal) =>
                new ErrorScenario(500, $$$"""{"error":{"message":"bad header Authorization: {{{request.Header("Authorization")}}} raw {{{Token(request)}}}","type":"server_error"}}"""),
            var body when body.Contains("echo-stream", StringComparison.Ordinal) => UpstreamScenario.Script(http => WriteSseAsync(http, Created,
                $$$$"""{"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"token {{{{Token(request)}}}} was odd"}}}""")),
            var body when body.Contains("reject-once", StringComparison.Ordinal) && Interlocked.Exchange(ref rejectedOnce, 1) == 0 =>
                new ErrorScenario(401, $$"""{"detail":"Unauthorized: {{request.Header("Authorization")}}"}"""),
            _ => UpstreamScenario.Script(http => WriteSseAsync(http, TextTurn("fine"))),
        };

        var answers = new List<(int Status, string Body)>();
        await using (var proxy = await StartProxyAsync(upstream, oauth))
        {
            foreach (var (prompt, stream, viaBearer) in new[]
                     {
                         ("plain", false, false), ("reject-once", true, true), ("echo-http", false, false), ("echo-stream", true, true),
                     })
            {
                answers.Add(await SendAsync(proxy.Client, prompt, stream, viaBearer));
            }
        }

        var sinks = ReadSinks();
        // The client's answers are a sink too: the echoed credential must not come back in an error message.
        sinks.Add(("answers to the client", string.Join('\n', answers.Select(a => a.Body))));
        var statuses = answers.Select(a => a.Status).ToList();
        // A stream that fails before its first event is answered as a plain error.
        Assert.Equal([200, 200, 500, 500], statuses);
        Assert.True(oauth.RefreshCount >= 2, $"refreshes: {oauth.RefreshCount}");
        Assert.True(upstream.Requests.Select(r => r.Header("Authorization")).Distinct().Count() >= 2, "the refreshed token was used");
        Assert.True(File.Exists(LogFile + ".1"), "the log file rotated");
        Assert.All(sinks, sink => Assert.False(string.IsNullOrWhiteSpace(sink.Text), $"{sink.Name} is empty"));
        var everything = string.Join('\n', sinks.Select(s => s.Text));
        foreach (var expected in new[]
                 {
                     "Login callback listening", "Refreshing the ChatGPT access token", "ChatGPT access token refreshed",
                     "POST /v1/messages model=", "status=200", "Codex request body", "status=500", "Request failed with 500", LogRedactor.Mask,
                 })
        {
            Assert.Contains(expected, everything, StringComparison.Ordinal);
        }

        var secrets = KnownSecrets(oauth);
        Assert.True(secrets.Count >= 8, $"only {secrets.Count} secrets were observed");
        foreach (var (name, text) in sinks)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name} leaks {secret}");
            }

            Assert.DoesNotContain("Bearer ey", text, StringComparison.Ordinal);
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The CLI's browser login, as <c>login --no-browser</c> runs it, with a scripted "browser" that follows
    /// the printed URL. Its loggers are the ones the CLI builds (<see cref="CliLogging"/>), at Trace.</summary>
    private async Task<int> LogInAsync(FakeOAuthServer oauth)
    {
        using var loggers = CliLogging.Create(Sinks(), LogLevel.Trace, TimeProvider.System);
        var options = new ProxyOptions { Home = Home, AuthBaseUrl = oauth.BaseUrl, LogFile = LogFile };
        var auth = new AuthComponents(options, new CodexCliAuthFile(Path.Combine(_root, "codex", "auth.json")), new HttpClient(), TimeProvider.System, loggers);
        using var browser = new HttpClient();
        var terminal = new BrowserFollowingWriter(browser);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(terminal),
        });
        var exitCode = await new LoginFlow(auth, console).RunAsync(device: false, fromCodex: false, noBrowser: true, Ct);
        await terminal.PageLoaded;
        return exitCode;
    }

    private async Task<ProxyFixture> StartProxyAsync(FakeCodexUpstream upstream, FakeOAuthServer oauth) =>
        await ProxyFixture.StartAsync(
            upstream.BaseUrl,
            loggedIn: false,
            configure: builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(Sinks()));
                builder.Services.AddSingleton<ILoggerProvider, ProxyLoggerProvider>();
                builder.Services.Replace(ServiceDescriptor.Singleton(new UpstreamRetryPolicy(2, TimeSpan.FromMilliseconds(2))));
            },
            authBaseUrl: oauth.BaseUrl,
            adjust: o => o with { Home = Home, LogFile = LogFile, LogLevel = LogLevel.Trace, ProxyApiKey = ProxyKey },
            cancellationToken: Ct);

    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, string prompt, bool stream, bool viaBearer)
    {
        using var request = ProxyRequests.Post(ProxyRequests.Body(stream, prompt), viaBearer ? null : ProxyKey);
        if (viaBearer)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {ProxyKey}");
        }

        request.Headers.TryAddWithoutValidation("Cookie", $"session={CookieValue}; theme=dark");
        using var response = await client.SendAsync(request, Ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private LogSinks Sinks() => new(TextWriter.Synchronized(_console), LogFile, RotateBytes);

    private List<(string Name, string Text)> ReadSinks()
    {
        var sinks = new List<(string, string)> { ("console", _console.ToString()) };
        foreach (var path in new[] { LogFile, LogFile + ".1" })
        {
            if (File.Exists(path))
            {
                sinks.Add((Path.GetFileName(path), File.ReadAllText(path)));
            }
        }

        return sinks;
    }

    /// <summary>Every token, code and verifier the OAuth server saw or issued, the payload of each JWT on its own
    /// (a partly masked token still leaks its claims), the proxy key and the cookie.</summary>
    private static HashSet<string> KnownSecrets(FakeOAuthServer oauth)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal) { ProxyKey, CookieValue };
        foreach (var secret in oauth.Secrets.Where(s => s.Length > 0))
        {
            secrets.Add(secret);
            if (secret.Split('.') is [_, var payload, _])
            {
                secrets.Add(payload);
            }
        }

        return secrets;
    }

    private static string Token(RecordedRequest request) =>
        request.Header("Authorization") is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
}
