namespace CodexProxy.Codex;

/// <summary>
/// The official Codex CLI release whose protocol the proxy speaks: sent as <c>client_version</c> on the catalogue
/// fetch (the backend leaves out models whose <c>minimal_client_version</c> is higher) and as the <c>version</c> header.
/// </summary>
internal static class CodexClientVersion
{
    public const string Value = CodexClientIdentity.Version;
}
