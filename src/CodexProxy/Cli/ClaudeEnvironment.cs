using System.Collections;

namespace CodexProxy.Cli;

/// <summary>
/// The variables <c>claude</c> runs with, as the seed's <c>gpt()</c> shell function set them: the proxy's URL, a
/// placeholder token (the proxy ignores it, Claude Code insists on one), a generous timeout, and no side traffic.
/// </summary>
internal static class ClaudeEnvironment
{
    public const string DefaultToken = "dummy";

    public const string DefaultApiTimeoutMs = "90000";

    /// <summary>Name → value to set, or null to unset. Values the user already set win, except the base URL.</summary>
    public static IReadOnlyDictionary<string, string?> For(IDictionary current, int port)
    {
        string? Get(string name) => current[name] is string { Length: > 0 } value ? value : null;

        var token = Get("ANTHROPIC_AUTH_TOKEN") ?? Get("ANTHROPIC_API_KEY") ?? DefaultToken;
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ANTHROPIC_BASE_URL"] = LocalProxy.BaseUrl(port).GetLeftPart(UriPartial.Authority),
            ["ANTHROPIC_AUTH_TOKEN"] = token,
            ["ANTHROPIC_API_KEY"] = Get("ANTHROPIC_API_KEY") ?? token,
            ["API_TIMEOUT_MS"] = Get("API_TIMEOUT_MS") ?? DefaultApiTimeoutMs,
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = Get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC") ?? "1",
            // Read by a proxy this launcher starts; a proxy that is already running keeps its own setting.
            ["PASSTHROUGH_MODE"] = Get("PASSTHROUGH_MODE") ?? "true",
            // A custom config dir would point Claude Code at another account's settings and credentials.
            ["CLAUDE_CONFIG_DIR"] = null,
        };
    }

    public static void ApplyTo(IDictionary<string, string?> target, IReadOnlyDictionary<string, string?> variables)
    {
        foreach (var (name, value) in variables)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else
            {
                target[name] = value;
            }
        }
    }
}
