using CodexProxy.Auth;

namespace CodexProxy.Tests.Fakes;

/// <summary>Credentials that never change and never refresh: a 401 is retried with the same token.</summary>
internal sealed class FixedCodexCredentials(string accessToken, string accountId) : ICodexCredentials
{
    public bool HasLogin => true;

    public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CodexCredential(accessToken, accountId));

    public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
        ValueTask.FromResult(rejected);
}
