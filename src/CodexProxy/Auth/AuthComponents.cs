using System.Collections;
using CodexProxy.Configuration;

namespace CodexProxy.Auth;

/// <summary>Wires the auth pieces of one account (the default one unless told otherwise) from the options; shared by
/// the server and the CLI commands.</summary>
internal sealed class AuthComponents
{
    public AuthComponents(ProxyOptions options, CodexCliAuthFile codexCli, HttpClient http, TimeProvider time, ILoggerFactory loggers)
        : this(options, codexCli, new OAuthClient(http, new AuthEndpoints(options.AuthBaseUrl)), time, loggers.CreateLogger("CodexProxy.Auth"), AccountName.Default)
    {
    }

    private AuthComponents(ProxyOptions options, CodexCliAuthFile codexCli, OAuthClient oauth, TimeProvider time, ILogger logger, AccountName account)
    {
        Options = options;
        Time = time;
        Logger = logger;
        CodexCli = codexCli;
        Account = account;
        Store = new TokenStore(AccountDirectory.TokensPath(options.Home, account), logger);
        OAuth = oauth;
        Refresher = new TokenRefresher(OAuth, Store, codexCli, time, logger);
        Usage = new UsageWindowsStore(Store.UsagePath, time, logger);
    }

    public ProxyOptions Options { get; }

    /// <summary>Which account's files these components read and write.</summary>
    public AccountName Account { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public TokenStore Store { get; }

    public OAuthClient OAuth { get; }

    public TokenRefresher Refresher { get; }

    public CodexCliAuthFile CodexCli { get; }

    public UsageWindowsStore Usage { get; }

    public static AuthComponents FromEnvironment(ProxyOptions options, IDictionary variables, TimeProvider time, ILoggerFactory loggers) =>
        new(options, CodexCliAuthFile.FromEnvironment(variables), OAuthClient.CreateHttpClient(), time, loggers);

    public RefreshingCredentials CreateCredentials() => new(Store, Refresher, Time);

    /// <summary>The same wiring (options, auth server, Codex CLI file) for another account's files.</summary>
    public AuthComponents ForAccount(AccountName account) =>
        account == Account ? this : new AuthComponents(Options, CodexCli, OAuth, Time, Logger, account);

    /// <summary>Persists a fresh login (browser or device) as this proxy's own.</summary>
    public StoredTokens SaveLogin(TokenEndpointResponse response)
    {
        var tokens = StoredTokens.FromResponse(response, previous: null, Time.GetUtcNow(), source: null);
        Store.Save(tokens);
        return tokens;
    }

    /// <summary>Imports the Codex CLI's login; null when it has none. Later refreshes are written back to its file.</summary>
    public StoredTokens? ImportFromCodexCli()
    {
        var tokens = CodexCli.TryRead();
        if (tokens is not null)
        {
            Store.Save(tokens);
        }

        return tokens;
    }

    /// <summary>
    /// Revokes (best effort) and deletes the login; idempotent. An imported Codex CLI login is not revoked: that would
    /// log the Codex CLI out too. Returns what happened.
    /// </summary>
    public async Task<LogoutOutcome> LogoutAsync(CancellationToken cancellationToken)
    {
        var tokens = Store.Load();
        if (tokens is null)
        {
            var deleted = Store.Delete();
            if (!Account.IsDefault)
            {
                AccountDirectory.RemoveFurtherAccount(Options.Home, Account);
            }

            return deleted ? LogoutOutcome.Deleted : LogoutOutcome.NotLoggedIn;
        }

        var outcome = LogoutOutcome.Deleted;
        if (tokens.IsFromCodexCli)
        {
            outcome = LogoutOutcome.KeptCodexCliLogin;
        }
        else if (await OAuth.RevokeAsync(tokens, cancellationToken))
        {
            outcome = LogoutOutcome.RevokedAndDeleted;
        }
        else
        {
            AuthLog.RevokeFailed(Logger);
        }

        Store.Delete();
        if (!Account.IsDefault)
        {
            AccountDirectory.RemoveFurtherAccount(Options.Home, Account);
        }

        return outcome;
    }
}

internal enum LogoutOutcome
{
    NotLoggedIn,
    Deleted,
    RevokedAndDeleted,
    KeptCodexCliLogin,
}
