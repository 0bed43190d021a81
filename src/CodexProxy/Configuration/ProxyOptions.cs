using System.Collections;

namespace CodexProxy.Configuration;

/// <summary>Everything configurable, read once from the environment. Defaults are the documented ones.</summary>
internal sealed record ProxyOptions
{
    public const int DefaultPort = 19080;

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = DefaultPort;

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

    public string LogFile { get; init; } = Path.Combine(Path.GetTempPath(), "chatgpt-codex-proxy.log");

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public static ProxyOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariables());

    public static ProxyOptions FromVariables(IDictionary variables)
    {
        string? Get(string name) => variables[name] is string { Length: > 0 } value ? value.Trim() : null;

        var defaults = new ProxyOptions();
        return new ProxyOptions
        {
            Host = Get("HOST") ?? defaults.Host,
            Port = ParsePort(Get("PORT")) ?? defaults.Port,
            CodexBaseUrl = ParseUrl("CODEX_BASE_URL", Get("CODEX_BASE_URL")) ?? defaults.CodexBaseUrl,
            AuthBaseUrl = ParseUrl("CODEX_AUTH_BASE_URL", Get("CODEX_AUTH_BASE_URL")) ?? defaults.AuthBaseUrl,
            Home = Get("CHATGPT_CODEX_PROXY_HOME") ?? defaults.Home,
            ProxyApiKey = Get("PROXY_API_KEY"),
            MaxRequestBodyBytes = ParsePositive("MAX_REQUEST_BODY_BYTES", Get("MAX_REQUEST_BODY_BYTES")) ?? defaults.MaxRequestBodyBytes,
            UpstreamIdleTimeout = ParsePositive("UPSTREAM_IDLE_TIMEOUT_SECONDS", Get("UPSTREAM_IDLE_TIMEOUT_SECONDS")) is { } idle
                ? TimeSpan.FromSeconds(idle) : defaults.UpstreamIdleTimeout,
            LogFile = Get("LOG_FILE") ?? defaults.LogFile,
            LogLevel = ParseLogLevel(Get("LOG_LEVEL")) ?? defaults.LogLevel,
            Models = new ModelMappingOptions
            {
                HaikuModel = Get("ANTHROPIC_DEFAULT_HAIKU_MODEL"),
                SonnetModel = Get("ANTHROPIC_DEFAULT_SONNET_MODEL"),
                OpusModel = Get("ANTHROPIC_DEFAULT_OPUS_MODEL"),
                Passthrough = ParseSwitch("PASSTHROUGH_MODE", Get("PASSTHROUGH_MODE")) ?? true,
            },
        };
    }

    /// <summary><c>true/1/yes/on</c> or <c>false/0/no/off</c>, case-insensitive.</summary>
    public static bool? ParseSwitch(string name, string? value) => value?.ToUpperInvariant() switch
    {
        null => null,
        "TRUE" or "1" or "YES" or "ON" => true,
        "FALSE" or "0" or "NO" or "OFF" => false,
        _ => throw new InvalidOperationException($"{name} must be true/1/yes/on or false/0/no/off, not '{value}'."),
    };

    private static int? ParsePort(string? value) =>
        value is null ? null
        : int.TryParse(value, out var port) && port is >= 0 and <= 65535 ? port
        : throw new InvalidOperationException($"PORT must be a number from 0 to 65535, not '{value}'.");

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
