using System.CommandLine;

namespace CodexProxy.Cli;

/// <summary><c>login</c>: browser (default), <c>--device</c> or <c>--from-codex</c>; <c>--account NAME</c> adds or
/// renews a further account instead of the default one.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var device = new Option<bool>("--device") { Description = "Headless login: show a URL and a code to enter on any device." };
        var fromCodex = new Option<bool>("--from-codex") { Description = "Reuse the Codex CLI's login ($CODEX_HOME/auth.json, default ~/.codex)." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the login URL without opening a browser." };
        var account = AccountOption.Create("Add (or log in again) a further account with this name, kept in accounts/NAME/.");
        var command = new Command("login", "Log in with your ChatGPT account (OAuth PKCE in the browser).") { device, fromCodex, noBrowser, account };
        command.SetAction((parse, cancellationToken) => AuthCommandContext.RunAsync(parse.GetValue(account), (auth, console) =>
            new LoginFlow(auth, console).RunAsync(parse.GetValue(device), parse.GetValue(fromCodex), parse.GetValue(noBrowser), cancellationToken)));
        return command;
    }
}
