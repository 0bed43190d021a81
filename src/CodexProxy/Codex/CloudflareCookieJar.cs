using System.Globalization;

namespace CodexProxy.Codex;

/// <summary>
/// Cloudflare's cookies (<c>__cf_bm</c>, <c>_cfuvid</c>, …) that chatgpt.com sets, kept per ChatGPT account and
/// replayed in <c>cookie</c>, as the official CLI keeps them in its Cloudflare-only cookie jar. Any other cookie is
/// ignored. In memory only: never written to disk and never logged. Max-Age and Expires are honoured.
/// </summary>
internal sealed class CloudflareCookieJar(TimeProvider time)
{
    /// <summary>Accounts kept at most; a proxy normally serves one.</summary>
    public const int MaxAccounts = 16;

    /// <summary>Cookies kept per account at most (Cloudflare sets a handful).</summary>
    public const int MaxCookiesPerAccount = 16;

    private static readonly string[] ExactNames =
        ["__cf_bm", "__cflb", "__cfruid", "__cfseq", "__cfwaitingroom", "_cfuvid", "cf_clearance", "cf_ob_info", "cf_use_ob"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, StoredCookie>> _accounts = new(StringComparer.Ordinal);

    public static bool IsCloudflareCookie(string name) =>
        ExactNames.Contains(name, StringComparer.Ordinal) || name.StartsWith("cf_chl_", StringComparison.Ordinal);

    /// <summary>The <c>cookie</c> header value for <paramref name="account"/>; null when nothing is kept.</summary>
    public string? CookieHeader(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_accounts.TryGetValue(account, out var cookies))
            {
                return null;
            }

            foreach (var expired in cookies.Where(c => c.Value.ExpiresAt <= now).Select(c => c.Key).ToList())
            {
                cookies.Remove(expired);
            }

            return cookies.Count == 0 ? null : string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value.Value}"));
        }
    }

    /// <summary>Takes the Cloudflare cookies from an answer's <c>Set-Cookie</c> values.</summary>
    public void Store(string account, IEnumerable<string> setCookieValues)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(setCookieValues);
        var now = time.GetUtcNow();
        foreach (var setCookie in setCookieValues)
        {
            if (Parse(setCookie, now) is not var (name, value, expiresAt))
            {
                continue;
            }

            lock (_gate)
            {
                if (!_accounts.TryGetValue(account, out var cookies))
                {
                    if (_accounts.Count >= MaxAccounts)
                    {
                        _accounts.Remove(_accounts.Keys.First());
                    }

                    _accounts[account] = cookies = new Dictionary<string, StoredCookie>(StringComparer.Ordinal);
                }

                if (expiresAt <= now)
                {
                    cookies.Remove(name);
                }
                else if (cookies.Count < MaxCookiesPerAccount || cookies.ContainsKey(name))
                {
                    cookies[name] = new StoredCookie(value, expiresAt);
                }
            }
        }
    }

    /// <summary>Name, value and expiry of a Cloudflare cookie; null for any other or malformed cookie.
    /// A session cookie (no Max-Age, no Expires) lives as long as the process.</summary>
    internal static (string Name, string Value, DateTimeOffset ExpiresAt)? Parse(string setCookie, DateTimeOffset now)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
        var equals = parts[0].IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return null;
        }

        var name = parts[0][..equals].Trim();
        var value = parts[0][(equals + 1)..].Trim();
        if (!IsCloudflareCookie(name) || value.Any(c => c is < '!' or > '~' or ';' or ','))
        {
            return null;
        }

        DateTimeOffset? fromExpires = null;
        foreach (var attribute in parts.Skip(1))
        {
            var split = attribute.IndexOf('=', StringComparison.Ordinal);
            var key = split < 0 ? attribute : attribute[..split].Trim();
            var argument = split < 0 ? string.Empty : attribute[(split + 1)..].Trim();
            if (key.Equals("Max-Age", StringComparison.OrdinalIgnoreCase) && long.TryParse(argument, CultureInfo.InvariantCulture, out var seconds))
            {
                // Max-Age wins over Expires (RFC 6265 §5.3).
                return (name, value, seconds <= 0 ? DateTimeOffset.MinValue : now.AddSeconds(Math.Min(seconds, 400L * 24 * 3600)));
            }

            if (key.Equals("Expires", StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.TryParse(argument, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                fromExpires = at;
            }
        }

        return (name, value, fromExpires ?? DateTimeOffset.MaxValue);
    }

    private sealed record StoredCookie(string Value, DateTimeOffset ExpiresAt);
}
