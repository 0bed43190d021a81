using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>
/// Reads <c>tokens.json</c> for every upstream call (the file is tiny and may be rewritten by <c>login</c>
/// in another process). The auth lifecycle (refresh, locking) builds on this.
/// </summary>
internal sealed class TokenFileCredentials(string tokensPath) : ICodexCredentials
{
    public bool HasLogin => TryLoad() is not null;

    public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken)
    {
        var tokens = TryLoad() ?? throw NotLoggedInException.NoTokens();
        return ValueTask.FromResult(new CodexCredential(tokens.AccessToken, tokens.ResolveAccountId()));
    }

    public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
        throw new NotLoggedInException("ChatGPT rejected the saved login. Run `./chatgpt-codex-proxy login` again.");

    private StoredTokens? TryLoad()
    {
        try
        {
            var tokens = JsonSerializer.Deserialize(File.ReadAllBytes(tokensPath), AuthJsonContext.Default.StoredTokens);
            return tokens is { AccessToken.Length: > 0 } ? tokens : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
