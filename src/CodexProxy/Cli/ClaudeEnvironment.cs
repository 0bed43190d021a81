using System.Collections;

namespace CodexProxy.Cli;

/// <summary>
/// The variables <c>claude</c> runs with: the proxy's URL, the proxy's key as a bearer token (a placeholder when the
/// proxy has none), a generous timeout, no side traffic, and the real context window of the Codex models.
/// </summary>
internal static class ClaudeEnvironment
{
    /// <summary>Sent when <c>PROXY_API_KEY</c> is unset: the proxy then accepts any key, and Claude Code wants one.</summary>
    public const string PlaceholderToken = "chatgpt-codex-proxy";

    public const string DefaultApiTimeoutMs = "90000";

    /// <summary>
    /// Name → value to set, or null to unset. The user's own values win for the tuning variables; the URL and the token
    /// are always the proxy's, and <c>ANTHROPIC_API_KEY</c> is always removed: Claude Code asks before using a custom
    /// API key (and a real Anthropic key has no business going to the proxy), while it uses a bearer token silently.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> For(IDictionary current, int port, string? proxyApiKey)
    {
        ArgumentNullException.ThrowIfNull(current);
        string? Get(string name) => current[name] is string { Length: > 0 } value ? value : null;

        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ANTHROPIC_BASE_URL"] = LocalProxy.BaseUrl(port).GetLeftPart(UriPartial.Authority),
            ["ANTHROPIC_AUTH_TOKEN"] = proxyApiKey ?? PlaceholderToken,
            ["ANTHROPIC_API_KEY"] = null,
            ["API_TIMEOUT_MS"] = Get("API_TIMEOUT_MS") ?? DefaultApiTimeoutMs,
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = Get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC") ?? "1",
            // Claude Code 2.1.328 assumes a one-million-token window for every model name; the Codex models take about
            // 272,000, so without this auto-compaction never fires before the backend refuses the prompt.
            ["CLAUDE_CODE_DISABLE_1M_CONTEXT"] = Get("CLAUDE_CODE_DISABLE_1M_CONTEXT") ?? "1",
            // Lets /model list the Codex models the proxy serves on GET /v1/models.
            ["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"] = Get("CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY") ?? "1",
            // Read by a proxy this launcher starts; a proxy that is already running keeps its own setting.
            ["PASSTHROUGH_MODE"] = Get("PASSTHROUGH_MODE") ?? "true",
            // A custom config dir would point Claude Code at another account's settings and credentials.
            ["CLAUDE_CONFIG_DIR"] = null,
        };
    }

    public static void ApplyTo(IDictionary<string, string?> target, IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(variables);
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
