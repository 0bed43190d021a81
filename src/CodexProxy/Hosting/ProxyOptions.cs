using System.Collections;

namespace CodexProxy.Hosting;

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
