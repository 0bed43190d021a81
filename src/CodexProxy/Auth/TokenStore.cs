using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>
/// <c>tokens.json</c> in the proxy's home: read leniently (files of the TypeScript version load), written atomically
/// with mode 0600 in a 0700 directory. A file or directory readable by others is tightened, with a warning.
/// </summary>
internal sealed class TokenStore(string tokensPath, ILogger logger)
{
    public string TokensPath => tokensPath;

    /// <summary>Serialises refreshes across processes; lives next to tokens.json.</summary>
    public string LockPath => tokensPath + ".lock";

    /// <summary>The last-seen x-codex-* usage windows.</summary>
    public string UsagePath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokensPath))!, "usage.json");

    public bool Exists => File.Exists(tokensPath);

    /// <summary>The stored login, or null when there is none (or it is unreadable).</summary>
    public StoredTokens? Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(tokensPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        FixPermissions();
        try
        {
            var tokens = JsonSerializer.Deserialize(bytes, AuthJsonContext.Default.StoredTokens);
            return tokens is { AccessToken.Length: > 0 } ? tokens : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(StoredTokens tokens)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(tokensPath))!;
        AtomicFile.EnsurePrivateDirectory(directory);
        if (AtomicFile.RestrictToOwner(directory))
        {
            AuthLog.FixedPermissions(logger, directory);
        }

        AtomicFile.Write(tokensPath, JsonSerializer.SerializeToUtf8Bytes(tokens, AuthJsonContext.Default.StoredTokens));
    }

    /// <summary>Idempotent. Returns true when a file was deleted.</summary>
    public bool Delete()
    {
        if (!File.Exists(tokensPath))
        {
            return false;
        }

        File.Delete(tokensPath);
        return true;
    }

    private void FixPermissions()
    {
        try
        {
            if (AtomicFile.RestrictToOwner(tokensPath))
            {
                AuthLog.FixedPermissions(logger, tokensPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to fix (e.g. owned by another user); reading still works.
        }
    }
}
