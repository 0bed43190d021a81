using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodexProxy.Auth;

/// <summary>
/// The Codex CLI's <c>$CODEX_HOME/auth.json</c> (https://github.com/openai/codex/tree/main/codex-rs/login): imported as a login, and kept in sync after we refresh so the
/// CLI's rotated refresh token stays valid. Handled as a JSON tree so keys we do not model survive a rewrite.
/// </summary>
internal sealed class CodexCliAuthFile(string path)
{
    public string Path => path;

    public bool Exists => File.Exists(path);

    /// <summary><c>$CODEX_HOME/auth.json</c>, <c>CODEX_HOME</c> defaulting to <c>~/.codex</c>.</summary>
    public static CodexCliAuthFile FromEnvironment(IDictionary variables)
    {
        var home = variables["CODEX_HOME"] is string { Length: > 0 } value
            ? value.Trim()
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".codex");
        return new CodexCliAuthFile(System.IO.Path.Combine(home, "auth.json"));
    }

    /// <summary>The ChatGPT login in the file, marked as coming from the Codex CLI; null for none, API-key mode or garbage.</summary>
    public StoredTokens? TryRead()
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }

        if (root is null || !IsChatGptMode(root) || root["tokens"] is not JsonObject tokens)
        {
            return null;
        }

        var access = GetString(tokens, "access_token");
        var refresh = GetString(tokens, "refresh_token");
        if (access is null || refresh is null)
        {
            return null;
        }

        var imported = new StoredTokens
        {
            AccessToken = access,
            RefreshToken = refresh,
            IdToken = GetString(tokens, "id_token"),
            ExpiresAt = JwtClaims.TryRead(access)?.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0,
            LastRefresh = DateTimeOffset.TryParse(GetString(root, "last_refresh"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : null,
            Source = StoredTokens.CodexCliSource,
        };
        return imported with { ChatGptAccountId = GetString(tokens, "account_id") ?? imported.ResolveAccountId() };
    }

    /// <summary>Writes rotated tokens back (atomic, 0600), preserving every other key of the file.</summary>
    public void WriteBack(StoredTokens tokens)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? NewRoot();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            root = NewRoot();
        }

        if (root["tokens"] is not JsonObject tokenNode)
        {
            tokenNode = [];
            root["tokens"] = tokenNode;
        }

        if (tokens.IdToken is not null)
        {
            tokenNode["id_token"] = tokens.IdToken;
        }

        tokenNode["access_token"] = tokens.AccessToken;
        tokenNode["refresh_token"] = tokens.RefreshToken;
        if (tokens.ResolveAccountId() is { } accountId)
        {
            tokenNode["account_id"] = accountId;
        }

        if (tokens.LastRefresh is { } lastRefresh)
        {
            root["last_refresh"] = lastRefresh.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        }

        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            root.WriteTo(writer);
        });
    }

    /// <summary>Missing <c>auth_mode</c> with an API key means API-key mode (CX <c>resolved_mode</c>).</summary>
    private static bool IsChatGptMode(JsonObject root) => GetString(root, "auth_mode") switch
    {
        { } mode => mode.Equals("chatgpt", StringComparison.OrdinalIgnoreCase) || mode == "chatgptAuthTokens",
        null => GetString(root, "OPENAI_API_KEY") is null,
    };

    private static JsonObject NewRoot() => new() { ["auth_mode"] = "chatgpt", ["OPENAI_API_KEY"] = null };

    private static string? GetString(JsonObject node, string name) =>
        node.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
