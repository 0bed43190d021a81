namespace CodexProxy.Auth;

/// <summary>
/// The server's accounts: the default one (the server's <see cref="ICodexCredentials"/> and <c>usage.json</c>) and every
/// further one under <c>accounts/</c>. The directory is looked at again at most once a second, so an account added by
/// <c>login --account</c> or removed by <c>logout --account</c> is seen without a restart, as
/// <see cref="RefreshingCredentials"/> sees a changed <c>tokens.json</c>.
/// </summary>
internal sealed class AccountPool
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    private readonly AuthComponents _auth;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Dictionary<AccountName, CodexAccount> _further = [];
    private long? _scannedAt;

    public AccountPool(AuthComponents auth, ICodexCredentials defaultCredentials, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(auth);
        _auth = auth;
        _time = time;
        Default = new CodexAccount(AccountName.Default, defaultCredentials, auth.Usage);
    }

    public CodexAccount Default { get; }

    /// <summary>The accounts a request may go to: those with a login, the default first, then the others by name.
    /// When none has a login, just the default, so the request fails as it always did ("not logged in").</summary>
    public IReadOnlyList<CodexAccount> Usable()
    {
        var further = Further();
        if (further.Count == 0)
        {
            return [Default];
        }

        var usable = new List<CodexAccount>(further.Count + 1);
        if (Default.Credentials.HasLogin)
        {
            usable.Add(Default);
        }

        usable.AddRange(further.Where(account => account.Credentials.HasLogin));
        return usable.Count == 0 ? [Default] : usable;
    }

    /// <summary>True when requests may go to more than one account (then the request log names the account).</summary>
    public bool HasSeveral => Usable().Count > 1;

    private IReadOnlyList<CodexAccount> Further()
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_scannedAt is { } at && _time.GetElapsedTime(at, now) < ScanInterval)
            {
                return [.. _further.Values];
            }
        }

        var names = AccountDirectory.FurtherAccounts(_auth.Options.Home);
        lock (_gate)
        {
            // Accounts that stay keep their credentials (their cache and refresh gate); removed ones are dropped, not
            // disposed: a request may still be using them.
            var next = new Dictionary<AccountName, CodexAccount>();
            foreach (var name in names)
            {
                next[name] = _further.TryGetValue(name, out var known) ? known : Create(name);
            }

            _further = next;
            _scannedAt = now;
            return [.. names.Select(name => next[name])];
        }
    }

    private CodexAccount Create(AccountName name)
    {
        var components = _auth.ForAccount(name);
        return new CodexAccount(name, components.CreateCredentials(), components.Usage);
    }
}
