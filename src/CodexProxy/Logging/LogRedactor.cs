using System.Text.RegularExpressions;

namespace CodexProxy.Logging;

/// <summary>
/// Scrubs secrets from every log line before any sink sees it: JWT-shaped strings, bearer credentials, auth and
/// cookie headers, OAuth token fields in JSON or form bodies, and any value registered with <see cref="AddSecret"/>.
/// Applied to the whole formatted line, exceptions included, so a careless message cannot leak a token.
/// </summary>
internal static partial class LogRedactor
{
    public const string Mask = "[REDACTED]";

    private static volatile string[] _secrets = [];

    /// <summary>Exact values (e.g. the proxy key) that must never appear, whatever their shape.</summary>
    public static void AddSecret(string? secret)
    {
        if (secret is { Length: >= 4 } && !_secrets.Contains(secret, StringComparer.Ordinal))
        {
            _secrets = [.. _secrets, secret];
        }
    }

    public static string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = JwtPattern().Replace(text, Mask);
        text = HeaderPattern().Replace(text, m => $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Mask}");
        text = TokenFieldPattern().Replace(text, m => $"{m.Groups["name"].Value}{m.Groups["sep"].Value}{Mask}");
        return BearerPattern().Replace(text, $"Bearer {Mask}");
    }

    /// <summary>Three base64url segments, the first starting like a JSON header (<c>{"</c> → <c>eyJ</c>).</summary>
    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*")]
    private static partial Regex JwtPattern();

    [GeneratedRegex(@"(?<name>\b(?:authorization|proxy-authorization|x-api-key|api-key|cookie|set-cookie)\b[""']?)(?<sep>\s*[:=]\s*[""']?)[^""'\r\n,;}]+", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"(?<name>\b(?:access_token|refresh_token|id_token|api_key|apikey|client_secret|code_verifier|password|token)\b[""']?)(?<sep>\s*[:=]\s*[""']?)[^""'&\s,;}]+", RegexOptions.IgnoreCase)]
    private static partial Regex TokenFieldPattern();

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9_\-\.~\+/=]+", RegexOptions.IgnoreCase)]
    private static partial Regex BearerPattern();
}
