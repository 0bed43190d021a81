using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace CodexProxy.Tests.Auth;

/// <summary>A temp home, a Codex home, the fake OAuth server and a log collector, torn down by the test.</summary>
internal sealed class AuthTestEnvironment : IAsyncDisposable
{
    private readonly List<ILoggerFactory> _factories = [];

    private AuthTestEnvironment(FakeOAuthServer server, TimeProvider time, string root)
    {
        Server = server;
        Time = time;
        Root = root;
    }

    public FakeOAuthServer Server { get; }

    public TimeProvider Time { get; }

    public string Root { get; }

    public string Home => Path.Combine(Root, "home");

    public string CodexAuthPath => Path.Combine(Root, "codex", "auth.json");

    public FakeLogCollector Logs { get; } = new();

    public ProxyOptions Options => new() { Home = Home, AuthBaseUrl = Server.BaseUrl };

    public static async Task<AuthTestEnvironment> CreateAsync(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var root = Path.Combine(Path.GetTempPath(), "cxp-auth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return new AuthTestEnvironment(await FakeOAuthServer.StartAsync(time), time, root);
    }

    /// <summary>An independent set of components, as another process would have (own caches, own semaphore).</summary>
    public AuthComponents CreateComponents()
    {
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        _factories.Add(factory);
        return new AuthComponents(Options, new CodexCliAuthFile(CodexAuthPath), new HttpClient(), Time, factory);
    }

    /// <summary>Seeds tokens.json with a login whose access token expires after <paramref name="lifetime"/>.</summary>
    public StoredTokens SeedLogin(TimeSpan lifetime, string? source = null)
    {
        var (access, refresh, id) = Server.IssueLogin(lifetime);
        var tokens = new StoredTokens
        {
            AccessToken = access,
            RefreshToken = refresh,
            IdToken = id,
            ExpiresAt = (Time.GetUtcNow() + lifetime).ToUnixTimeMilliseconds(),
            Source = source,
        };
        new TokenStore(Options.TokensPath, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Save(tokens);
        return tokens;
    }

    public StoredTokens ReadTokensFile() =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Options.TokensPath), AuthJsonContext.Default.StoredTokens)!;

    /// <summary>No token, code or verifier, and no Authorization header, may ever reach a log line.</summary>
    public void AssertLogsHaveNoSecrets()
    {
        var secrets = Server.Secrets.ToArray();
        foreach (var record in Logs.GetSnapshot())
        {
            var text = record.Message + " " + record.Exception + " " + string.Join(' ', record.StructuredState?.Select(s => s.Value) ?? []);
            Assert.DoesNotContain("Bearer", text, StringComparison.OrdinalIgnoreCase);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
