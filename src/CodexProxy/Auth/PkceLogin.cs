namespace CodexProxy.Auth;

/// <summary>
/// The browser login (RFC 7636, https://www.rfc-editor.org/rfc/rfc7636): authorization code + PKCE S256 with a loopback redirect. The code arrives through
/// the listener or a pasted redirect URL, whichever comes first; after 10 minutes the login gives up.
/// </summary>
internal sealed class PkceLogin(OAuthClient oauth, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Ports to try for the callback; tests may narrow them.</summary>
    public IReadOnlyList<int> CallbackPorts { get; init; } = LoopbackCallbackListener.DefaultPorts;

    public Uri BuildAuthorizeUrl(Pkce pkce, string redirectUri)
    {
        // Parameter order as the official CLI emits them.
        var parameters = new (string Name, string Value)[]
        {
            ("response_type", "code"),
            ("client_id", AuthEndpoints.ClientId),
            ("redirect_uri", redirectUri),
            ("scope", AuthEndpoints.Scopes),
            ("code_challenge", pkce.Challenge),
            ("code_challenge_method", "S256"),
            ("id_token_add_organizations", "true"),
            ("codex_cli_simplified_flow", "true"),
            ("state", pkce.State),
            ("originator", "codex_cli_rs"),
        };
        var query = string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
        return new Uri($"{oauth.Endpoints.Authorize}?{query}");
    }

    public async Task<TokenEndpointResponse> RunAsync(LoginInteraction interaction, CancellationToken cancellationToken)
    {
        var pkce = Pkce.Create();
        await using var listener = await LoopbackCallbackListener.StartAsync(pkce.State, logger, CallbackPorts, cancellationToken);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var opening = interaction.OpenAuthorizeUrlAsync(BuildAuthorizeUrl(pkce, listener.RedirectUri), waiting.Token);
        var pasted = ReadPastedCodeAsync(interaction, pkce.State, waiting.Token);
        var timeout = Task.Delay(Timeout, time, waiting.Token);

        string code;
        try
        {
            var first = await Task.WhenAny(listener.Code, pasted, timeout);
            if (first == timeout)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new LoginFailedException(
                    "No login arrived within 10 minutes. Run `login` again (on a machine without a browser: `login --device`).");
            }

            code = await (Task<string>)first;
        }
        finally
        {
            await waiting.CancelAsync();
            await ObserveAsync(opening);
            await ObserveAsync(pasted);
            await ObserveAsync(timeout);
        }

        return await oauth.ExchangeCodeAsync(code, listener.RedirectUri, pkce.Verifier, cancellationToken);
    }

    private static async Task<string> ReadPastedCodeAsync(LoginInteraction interaction, string expectedState, CancellationToken cancellationToken)
    {
        if (interaction.ReadPastedUrlAsync is null)
        {
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
        }

        while (true)
        {
            var line = await interaction.ReadPastedUrlAsync!(cancellationToken);
            if (line is null)
            {
                // Input closed (not a terminal): only the listener can deliver the code now.
                await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var callback = AuthorizationCallback.FromPastedUrl(line, expectedState);
            if (callback.Failure is { } failure)
            {
                throw new LoginFailedException(failure);
            }

            if (callback.Code is { } code)
            {
                return code;
            }

            interaction.PasteRejected?.Invoke(callback.Rejection!);
        }
    }

    /// <summary>The losers of the race end by cancellation; their outcome is irrelevant but must be observed.</summary>
    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or LoginFailedException or HttpRequestException or IOException)
        {
            // Irrelevant once the race is decided.
        }
    }
}
