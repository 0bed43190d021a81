using CodexProxy.Auth;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>The terminal side of <c>login</c>: prompts, spinner, browser, and the final summary.</summary>
internal sealed class LoginFlow(AuthComponents auth, IAnsiConsole console)
{
    public async Task<int> RunAsync(bool device, bool fromCodex, bool noBrowser, CancellationToken cancellationToken)
    {
        try
        {
            if (fromCodex || (!device && OfferCodexImport()))
            {
                return ImportFromCodex();
            }

            var response = device ? await RunDeviceAsync(cancellationToken) : await RunBrowserAsync(noBrowser, cancellationToken);
            var tokens = auth.SaveLogin(response);
            PrintSuccess(tokens, "Logged in");
            return 0;
        }
        catch (Exception e) when (e is LoginFailedException or OAuthException)
        {
            console.MarkupLineInterpolated($"[red]Login failed:[/] {e.Message}");
            return 1;
        }
    }

    private bool OfferCodexImport()
    {
        if (auth.Store.Exists || !auth.CodexCli.Exists || !console.Profile.Capabilities.Interactive || Console.IsInputRedirected)
        {
            return false;
        }

        return console.Confirm($"Found a Codex CLI login in {Markup.Escape(auth.CodexCli.Path)}. Use it?", defaultValue: true);
    }

    private int ImportFromCodex()
    {
        var tokens = auth.ImportFromCodexCli();
        if (tokens is null)
        {
            console.MarkupLineInterpolated($"[red]No ChatGPT login found in {auth.CodexCli.Path}.[/] Run `codex login` first, or use `login` here.");
            return 1;
        }

        PrintSuccess(tokens, "Imported the Codex CLI login");
        console.MarkupLine("[grey]Refreshed tokens will be written back there too, so the Codex CLI keeps working.[/]");
        return 0;
    }

    private async Task<TokenEndpointResponse> RunBrowserAsync(bool noBrowser, CancellationToken cancellationToken)
    {
        var canPaste = !Console.IsInputRedirected;
        var interaction = new LoginInteraction
        {
            OpenAuthorizeUrlAsync = (url, _) =>
            {
                console.MarkupLine("Open this URL to sign in with your ChatGPT account:");
                // Raw write: Spectre would wrap the long URL and break copy/paste.
                console.Profile.Out.Writer.WriteLine(url.AbsoluteUri);
                if (!noBrowser && !BrowserLauncher.TryOpen(url))
                {
                    console.MarkupLine("[yellow]Could not open a browser; open the URL yourself.[/]");
                }

                if (canPaste)
                {
                    console.MarkupLine("[grey]If the browser cannot reach this machine (SSH), paste the URL it ends up on and press Enter.[/]");
                }

                return Task.CompletedTask;
            },
            ReadPastedUrlAsync = canPaste ? ct => Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(ct) : null,
            PasteRejected = reason => console.MarkupLineInterpolated($"[yellow]{reason}[/] Paste the full redirect URL."),
        };
        var login = new PkceLogin(auth.OAuth, auth.Time, auth.Logger);
        return await console.Status().StartAsync("Waiting for the browser login (10 minutes)…", _ => login.RunAsync(interaction, cancellationToken));
    }

    private async Task<TokenEndpointResponse> RunDeviceAsync(CancellationToken cancellationToken)
    {
        var login = new DeviceCodeLogin(auth.OAuth, auth.Time);
        return await login.RunAsync(
            (url, code) =>
            {
                console.MarkupLine("On any device, open:");
                console.Profile.Out.Writer.WriteLine(url);
                console.MarkupLineInterpolated($"and enter the code [bold]{code}[/] (valid for 15 minutes).");
            },
            cancellationToken);
    }

    private void PrintSuccess(StoredTokens tokens, string what)
    {
        var identity = tokens.ReadIdentity();
        console.MarkupLineInterpolated($"[green]{what}[/] as [bold]{identity?.Email ?? "(unknown email)"}[/] (plan: {identity?.PlanType ?? "unknown"}).");
        if (!auth.Account.IsDefault)
        {
            console.MarkupLineInterpolated(
                $"Saved as account [bold]{auth.Account.Value}[/]; a running proxy uses it for new conversations within a second (`accounts` lists them).");
        }

        if (SameLoginAs(tokens, identity) is { } twin)
        {
            console.MarkupLineInterpolated(
                $"[yellow]This is the same ChatGPT login as account {twin.Value}:[/] both draw on one allowance, so routing between them gains nothing.");
        }
    }

    /// <summary>Another account holding the same ChatGPT user (email) in the same workspace (account id), if any.</summary>
    private AccountName? SameLoginAs(StoredTokens tokens, JwtClaims? identity)
    {
        if (identity?.Email is not { } email || tokens.ResolveAccountId() is not { } accountId)
        {
            return null;
        }

        var others = AccountDirectory.FurtherAccounts(auth.Options.Home).Prepend(AccountName.Default).Where(name => name != auth.Account);
        return others.FirstOrDefault(name => auth.ForAccount(name).Store.Load() is { } other
            && other.ResolveAccountId() == accountId
            && string.Equals(other.ReadIdentity()?.Email, email, StringComparison.OrdinalIgnoreCase));
    }
}
