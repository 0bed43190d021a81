using System.CommandLine;

namespace CodexProxy.Cli;

/// <summary><c>login</c>: browser (default), <c>--device</c> or <c>--from-codex</c>.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var device = new Option<bool>("--device") { Description = "Headless login: show a URL and a code to enter on any device." };
        var fromCodex = new Option<bool>("--from-codex") { Description = "Reuse the Codex CLI's login ($CODEX_HOME/auth.json, default ~/.codex)." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the login URL without opening a browser." };
        var command = new Command("login", "Log in with your ChatGPT account (OAuth PKCE in the browser).") { device, fromCodex, noBrowser };
        command.SetAction((parse, cancellationToken) => AuthCommandContext.RunAsync((auth, console) =>
            new LoginFlow(auth, console).RunAsync(parse.GetValue(device), parse.GetValue(fromCodex), parse.GetValue(noBrowser), cancellationToken)));
        return command;
    }
}
