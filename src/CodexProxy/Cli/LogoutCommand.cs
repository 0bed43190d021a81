using System.CommandLine;
using CodexProxy.Auth;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary><c>logout</c>: revoke the refresh token (best effort) and delete the tokens. Safe to run twice.</summary>
internal static class LogoutCommand
{
    public static Command Create()
    {
        var account = AccountOption.Create("Remove the further account with this name (its login, usage and directory).");
        var command = new Command("logout", "Revoke and delete the saved ChatGPT login.") { account };
        command.SetAction((parse, cancellationToken) =>
            AuthCommandContext.RunAsync(parse.GetValue(account), (auth, console) => RunAsync(auth, console, cancellationToken)));
        return command;
    }

    public static async Task<int> RunAsync(AuthComponents auth, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(console);
        var outcome = await auth.LogoutAsync(cancellationToken);
        if (!auth.Account.IsDefault && outcome != LogoutOutcome.NotLoggedIn)
        {
            console.MarkupLineInterpolated($"Account [bold]{auth.Account.Value}[/] removed.");
        }

        console.MarkupLine(outcome switch
        {
            LogoutOutcome.NotLoggedIn => "Not logged in; nothing to do.",
            LogoutOutcome.RevokedAndDeleted => "[green]Logged out.[/] The refresh token was revoked and the tokens deleted.",
            LogoutOutcome.KeptCodexCliLogin => "[green]Logged out.[/] The tokens were deleted; the Codex CLI login they came from was left untouched.",
            _ => "[green]Logged out.[/] The tokens were deleted (the auth server could not be reached to revoke them).",
        });
        return 0;
    }
}
