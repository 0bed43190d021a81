using CodexProxy.Auth;

namespace CodexProxy.Cli;

/// <summary>
/// Passes credentials through and remembers a <see cref="NotLoggedInException"/>: the catalogue swallows it into its
/// fallback, but for <c>models</c> "not logged in" is the one failure the user has to fix (a non-zero exit).
/// </summary>
internal sealed class LoginObservingCredentials(ICodexCredentials inner) : ICodexCredentials
{
    public NotLoggedInException? NotLoggedIn { get; private set; }

    public bool HasLogin => inner.HasLogin;

    public async ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.GetAsync(cancellationToken);
        }
        catch (NotLoggedInException e)
        {
            NotLoggedIn = e;
            throw;
        }
    }

    public async ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.RecoverFromUnauthorizedAsync(rejected, cancellationToken);
        }
        catch (NotLoggedInException e)
        {
            NotLoggedIn = e;
            throw;
        }
    }
}
