using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace CodexProxy.Configuration;

/// <summary>Everything configurable, read once from the environment. Defaults are the documented ones.</summary>
internal sealed record ProxyOptions
{
    public const int DefaultPort = 19080;

    /// <summary>Names the port the CLI looks for the proxy on, before <c>PORT</c>.</summary>
    public const string LocalProxyPortVariable = "CHATGPT_CODEX_PROXY_PORT";

    /// <summary>Set to a true value to serve a non-loopback <c>HOST</c> without <c>PROXY_API_KEY</c>.</summary>
    public const string AllowRemoteWithoutKeyVariable = "ALLOW_REMOTE_WITHOUT_KEY";

    public const string DefaultLogFileName = "chatgpt-codex-proxy.log";

    private readonly string? _logFile;

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = DefaultPort;

    /// <summary>Where the CLI (<c>claude</c>, <c>doctor</c>, <c>stop</c>) expects the proxy:
    /// <c>CHATGPT_CODEX_PROXY_PORT</c>, else <c>PORT</c>, else 19080.</summary>
    public int LocalProxyPort { get; init; } = DefaultPort;

    /// <summary>The explicit opt-in to serve other machines without a key (see <see cref="EnsureValid"/>).</summary>
    public bool AllowRemoteWithoutKey { get; init; }

    /// <summary>Requests go to <c>{CodexBaseUrl}/codex/responses</c>.</summary>
    public Uri CodexBaseUrl { get; init; } = new("https://chatgpt.com/backend-api");

    /// <summary>Used for login and refresh (<c>/oauth/token</c>, <c>/oauth/authorize</c>, …).</summary>
    public Uri AuthBaseUrl { get; init; } = new("https://auth.openai.com");

    /// <summary>Holds <c>tokens.json</c> and the proxy's small state files.</summary>
    public string Home { get; init; } = DefaultHome();

    public ModelMappingOptions Models { get; init; } = new();

    public string TokensPath => Path.Combine(Home, "tokens.json");

    /// <summary>When set, every request except <c>/health</c> must present it (<c>x-api-key</c> or Bearer).</summary>
    public string? ProxyApiKey { get; init; }

    /// <summary>Larger bodies get 413 <c>request_too_large</c>. Claude Code histories with images can be big.</summary>
    public long MaxRequestBodyBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>No bytes from the backend for this long ends the request (the official client's default).</summary>
    public TimeSpan UpstreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>CODEX_TRANSPORT</c>: <c>auto</c> (default), <c>http</c> or <c>websocket</c>.</summary>
    public CodexTransportMode Transport { get; init; } = CodexTransportMode.Auto;

    /// <summary><c>LOG_FILE</c>, else <c>logs/chatgpt-codex-proxy.log</c> in <see cref="Home"/>: a per-user directory,
    /// never a shared one such as /tmp where another user could plant the file or a symbolic link.</summary>
    [AllowNull]
    public string LogFile
    {
        get => _logFile ?? Path.Combine(Home, "logs", DefaultLogFileName);
        init => _logFile = value;
    }

    /// <summary>Off for the background proxy the launcher starts: its log file is the only sink, so no line is
    /// written twice into it.</summary>
    public bool LogToConsole { get; init; } = true;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public static ProxyOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariables());

    public static ProxyOptions FromVariables(IDictionary variables)
    {
        string? Get(string name) => variables[name] is string { Length: > 0 } value ? value.Trim() : null;

        var defaults = new ProxyOptions();
        var port = ParsePort("PORT", Get("PORT"));
        var options = new ProxyOptions
        {
            Host = Get("HOST") ?? defaults.Host,
            Port = port ?? defaults.Port,
            LocalProxyPort = ParsePort(LocalProxyPortVariable, Get(LocalProxyPortVariable)) ?? port ?? DefaultPort,
            AllowRemoteWithoutKey = ParseSwitch(AllowRemoteWithoutKeyVariable, Get(AllowRemoteWithoutKeyVariable)) ?? false,
            CodexBaseUrl = ParseUrl("CODEX_BASE_URL", Get("CODEX_BASE_URL")) ?? defaults.CodexBaseUrl,
            AuthBaseUrl = ParseUrl("CODEX_AUTH_BASE_URL", Get("CODEX_AUTH_BASE_URL")) ?? defaults.AuthBaseUrl,
            Home = Get("CHATGPT_CODEX_PROXY_HOME") ?? defaults.Home,
            ProxyApiKey = ParseProxyApiKey(variables["PROXY_API_KEY"] as string),
            MaxRequestBodyBytes = ParsePositive("MAX_REQUEST_BODY_BYTES", Get("MAX_REQUEST_BODY_BYTES")) ?? defaults.MaxRequestBodyBytes,
            UpstreamIdleTimeout = ParsePositive("UPSTREAM_IDLE_TIMEOUT_SECONDS", Get("UPSTREAM_IDLE_TIMEOUT_SECONDS")) is { } idle
                ? TimeSpan.FromSeconds(idle) : defaults.UpstreamIdleTimeout,
            Transport = ParseTransport(Get("CODEX_TRANSPORT")) ?? defaults.Transport,
            LogFile = Get("LOG_FILE"),
            LogLevel = ParseLogLevel(Get("LOG_LEVEL")) ?? defaults.LogLevel,
            Models = new ModelMappingOptions
            {
                HaikuModel = Get("ANTHROPIC_DEFAULT_HAIKU_MODEL"),
                SonnetModel = Get("ANTHROPIC_DEFAULT_SONNET_MODEL"),
                OpusModel = Get("ANTHROPIC_DEFAULT_OPUS_MODEL"),
                Passthrough = ParseSwitch("PASSTHROUGH_MODE", Get("PASSTHROUGH_MODE")) ?? true,
            },
        };
        options.EnsureValid();
        return options;
    }

    /// <summary>
    /// Refuses what would expose the user's subscription or fail later in a confusing way: a <c>HOST</c> that is not an
    /// IP address (a name could resolve to any interface), and a non-loopback <c>HOST</c> without
    /// <c>PROXY_API_KEY</c> unless <c>ALLOW_REMOTE_WITHOUT_KEY</c> says so.
    /// </summary>
    /// <exception cref="InvalidOperationException">With a one-line message naming the variable and the fix.</exception>
    public void EnsureValid()
    {
        var address = ListenAddress();
        if (ProxyApiKey is not null && string.IsNullOrWhiteSpace(ProxyApiKey))
        {
            throw new InvalidOperationException("PROXY_API_KEY is set but blank. Set a real key, or unset it.");
        }

        if (ProxyApiKey is null && !IPAddress.IsLoopback(address) && !AllowRemoteWithoutKey)
        {
            throw new InvalidOperationException(
                $"HOST is {Host}, which other machines can reach, and PROXY_API_KEY is not set: anyone on the network could use "
                + $"your ChatGPT subscription. Set PROXY_API_KEY, bind 127.0.0.1, or set {AllowRemoteWithoutKeyVariable}=1 to accept the risk.");
        }
    }

    /// <summary>The address to bind: <see cref="Host"/> as an IP literal (<c>localhost</c> means 127.0.0.1).</summary>
    public IPAddress ListenAddress() =>
        Host is "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(Host, out var address) ? address
        : throw new InvalidOperationException($"HOST must be an IP address such as 127.0.0.1 or 0.0.0.0, not the name '{Host}'.");

    /// <summary><c>true/1/yes/on</c> or <c>false/0/no/off</c>, case-insensitive.</summary>
    public static bool? ParseSwitch(string name, string? value) => value?.ToUpperInvariant() switch
    {
        null => null,
        "TRUE" or "1" or "YES" or "ON" => true,
        "FALSE" or "0" or "NO" or "OFF" => false,
        _ => throw new InvalidOperationException($"{name} must be true/1/yes/on or false/0/no/off, not '{value}'."),
    };

    private static int? ParsePort(string name, string? value) =>
        value is null ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port
        : throw new InvalidOperationException($"{name} must be a port number from 1 to 65535, not '{value}'.");

    /// <summary>Unset stays unset; set but empty or blank is kept as it is, for <see cref="EnsureValid"/> to refuse
    /// (a key that silently turned into "no key" would leave the proxy open).</summary>
    private static string? ParseProxyApiKey(string? value) => value is null ? null : value.Trim() is { Length: > 0 } key ? key : value;

    private static long? ParsePositive(string name, string? value) =>
        value is null ? null
        : long.TryParse(value, out var number) && number > 0 ? number
        : throw new InvalidOperationException($"{name} must be a positive whole number, not '{value}'.");

    /// <summary>Trace, Debug, Information (or Info), Warning (or Warn), Error, Critical, None; case-insensitive.</summary>
    private static LogLevel? ParseLogLevel(string? value) =>
        value is null ? null
        : value.Equals("info", StringComparison.OrdinalIgnoreCase) ? LogLevel.Information
        : value.Equals("warn", StringComparison.OrdinalIgnoreCase) ? LogLevel.Warning
        : Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level) && !int.TryParse(value, out _) ? level
        : throw new InvalidOperationException($"LOG_LEVEL must be Trace, Debug, Information, Warning, Error, Critical or None, not '{value}'.");

    private static CodexTransportMode? ParseTransport(string? value) => value?.ToUpperInvariant() switch
    {
        null => null,
        "AUTO" => CodexTransportMode.Auto,
        "HTTP" or "HTTPS" or "SSE" => CodexTransportMode.Http,
        "WEBSOCKET" or "WEBSOCKETS" or "WS" => CodexTransportMode.WebSocket,
        _ => throw new InvalidOperationException($"CODEX_TRANSPORT must be auto, http or websocket, not '{value}'."),
    };

    private static Uri? ParseUrl(string name, string? value) =>
        value is null ? null
        : Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new InvalidOperationException($"{name} must be an absolute http(s) URL, not '{value}'.");

    private static string DefaultHome() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".chatgpt-codex-proxy");
}

/// <summary>How Claude model names become Codex model slugs (see the README's model-mapping table).</summary>
internal sealed record ModelMappingOptions
{
    public string? HaikuModel { get; init; }

    public string? SonnetModel { get; init; }

    public string? OpusModel { get; init; }

    /// <summary>When on, non-Claude names go upstream unchanged.</summary>
    public bool Passthrough { get; init; } = true;
}
