using CodexProxy.Configuration;

namespace CodexProxy.Codex;

/// <summary>What the upstream client remembers between requests, like the official CLI's process state: the turn
/// of each thread (with its sticky-routing token), Cloudflare's cookies per account, whether compressed bodies are
/// accepted, and the installation id. In memory, except the installation id.</summary>
internal sealed class CodexClientState(ProxyOptions options, TimeProvider time, ILogger<CodexClientState> logger)
{
    private readonly Lazy<string> _installationId = new(() => Codex.InstallationId.LoadOrCreate(options.Home, logger));

    public CodexTurnTracker Turns { get; } = new(time);

    public CloudflareCookieJar Cookies { get; } = new(time);

    public RequestBodyCompression Compression { get; } = new(logger);

    public TimeProvider Time => time;

    public string InstallationId => _installationId.Value;
}
