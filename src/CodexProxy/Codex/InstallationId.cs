using CodexProxy.Auth;

namespace CodexProxy.Codex;

/// <summary>
/// A random UUID created once and kept in <c>installation_id</c> under the proxy's home, like the Codex CLI's own
/// installation id. It identifies this installation of the proxy to the backend and nothing else: it is not derived
/// from the account, the machine or the user.
/// </summary>
internal static class InstallationId
{
    public const string FileName = "installation_id";

    /// <summary>The stored id, or a new one written there. When the home cannot be written the id lives for this
    /// process only.</summary>
    public static string LoadOrCreate(string home, ILogger logger)
    {
        var path = Path.Combine(home, FileName);
        try
        {
            if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var stored))
            {
                return stored.ToString();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: replaced below.
        }

        var id = Guid.NewGuid().ToString();
        try
        {
            AtomicFile.Write(path, System.Text.Encoding.ASCII.GetBytes(id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CodexWireLog.InstallationIdNotSaved(logger, path, e.Message);
        }

        return id;
    }
}
