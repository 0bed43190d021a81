using CodexProxy.Auth;

namespace CodexProxy.Codex;

/// <summary>
/// Which account each request goes to. Prompt caches are per account, so a conversation (its <c>prompt_cache_key</c>)
/// sticks to the account it started on. A new conversation goes to the account with the most allowance left by its
/// last known windows (<see cref="UsageAllowance"/>; ties go to the default). An account that answered "usage limit"
/// rests until the reset its answer named, and its conversations move to another account. With one account every
/// request goes to it, exactly as without routing. In memory; the conversation table is bounded (least recently used
/// first out) and forgets conversations idle for <see cref="IdleExpiry"/>.
/// </summary>
internal sealed class AccountRouter(AccountPool pool, TimeProvider time, int capacity = AccountRouter.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    /// <summary>Longer than any prompt cache lives: past it, sticking to the old account buys nothing.</summary>
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromHours(12);

    /// <summary>How long an account rests after a usage-limit answer that named no reset.</summary>
    public static readonly TimeSpan RestWithoutKnownReset = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Conversation>> _conversations = new(StringComparer.Ordinal);
    private readonly LinkedList<Conversation> _recency = new();
    private readonly Dictionary<AccountName, DateTimeOffset> _restingUntil = [];

    /// <summary>Conversations remembered right now (at most the capacity).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _conversations.Count;
            }
        }
    }

    /// <summary>The accounts one request may use, fixed for the whole request.</summary>
    public IReadOnlyList<CodexAccount> Accounts() => pool.Usable();

    /// <summary>The account for a request's first attempt. <paramref name="conversation"/> is null for a request that
    /// belongs to no conversation (no <c>prompt_cache_key</c>): it goes where a new conversation would.</summary>
    public CodexAccount Choose(string? conversation, IReadOnlyList<CodexAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        if (accounts.Count == 1)
        {
            return accounts[0];
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (conversation is not null && Find(conversation, now) is { } stuck
                && accounts.FirstOrDefault(a => a.Name == stuck.Account) is { } account && !IsResting(account, now))
            {
                Touch(conversation, account.Name, now);
                return account;
            }

            var chosen = Best(accounts.Where(a => !IsResting(a, now)), now) ?? SoonestBack(accounts, now);
            if (conversation is not null)
            {
                Touch(conversation, chosen.Name, now);
            }

            return chosen;
        }
    }

    /// <summary>
    /// After <paramref name="limited"/> answered a usage limit before any output: it rests until
    /// <paramref name="resetsAt"/>, and the request (and its conversation, from now on) moves to the account with the
    /// most allowance left among those neither resting nor <paramref name="tried"/>. Null when there is none.
    /// </summary>
    public CodexAccount? FailOver(
        string? conversation, CodexAccount limited, DateTimeOffset? resetsAt, IReadOnlyCollection<AccountName> tried, IReadOnlyList<CodexAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(limited);
        ArgumentNullException.ThrowIfNull(tried);
        ArgumentNullException.ThrowIfNull(accounts);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _restingUntil[limited.Name] = resetsAt is { } reset && reset > now ? reset : now + RestWithoutKnownReset;
            var next = Best(accounts.Where(a => !tried.Contains(a.Name) && !IsResting(a, now)), now);
            if (next is not null && conversation is not null)
            {
                Touch(conversation, next.Name, now);
            }

            return next;
        }
    }

    /// <summary>The account <paramref name="conversation"/> sticks to now; null for a conversation not (or no longer) known.</summary>
    public AccountName? AccountOf(string conversation)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return Find(conversation, now)?.Account;
        }
    }

    /// <summary>The soonest time one of <paramref name="accounts"/> stops resting; null when none rests.</summary>
    public DateTimeOffset? SoonestReset(IReadOnlyList<CodexAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return accounts
                .Select(a => _restingUntil.TryGetValue(a.Name, out var until) && until > now ? until : (DateTimeOffset?)null)
                .Min();
        }
    }

    /// <summary>Until when <paramref name="account"/> rests; null when it does not.</summary>
    public DateTimeOffset? RestingUntil(AccountName account)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _restingUntil.TryGetValue(account, out var until) && until > now ? until : null;
        }
    }

    private static CodexAccount? Best(IEnumerable<CodexAccount> candidates, DateTimeOffset now) =>
        UsageAllowance.MostRemaining(candidates, account => account.Usage.Latest, now);

    /// <summary>Every account rests: the one back first still gets the request (the backend has the last word,
    /// and its answer names the reset).</summary>
    private CodexAccount SoonestBack(IReadOnlyList<CodexAccount> accounts, DateTimeOffset now) =>
        accounts.OrderBy(a => _restingUntil.TryGetValue(a.Name, out var until) ? until : now).First();

    private bool IsResting(CodexAccount account, DateTimeOffset now)
    {
        if (!_restingUntil.TryGetValue(account.Name, out var until))
        {
            return false;
        }

        if (until > now)
        {
            return true;
        }

        _restingUntil.Remove(account.Name);
        return false;
    }

    private Conversation? Find(string conversation, DateTimeOffset now)
    {
        if (!_conversations.TryGetValue(conversation, out var node))
        {
            return null;
        }

        if (now - node.Value.LastUsed < IdleExpiry)
        {
            return node.Value;
        }

        _recency.Remove(node);
        _conversations.Remove(conversation);
        return null;
    }

    private void Touch(string conversation, AccountName account, DateTimeOffset now)
    {
        if (_conversations.TryGetValue(conversation, out var node))
        {
            node.Value = new Conversation(conversation, account, now);
            _recency.Remove(node);
            _recency.AddFirst(node);
            return;
        }

        _conversations[conversation] = _recency.AddFirst(new Conversation(conversation, account, now));
        while (_conversations.Count > capacity && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _conversations.Remove(oldest.Value.Key);
        }

        // Idle ones at the tail go too, so a quiet proxy does not hold yesterday's conversations.
        while (_recency.Last is { } idle && now - idle.Value.LastUsed >= IdleExpiry)
        {
            _recency.RemoveLast();
            _conversations.Remove(idle.Value.Key);
        }
    }

    private sealed record Conversation(string Key, AccountName Account, DateTimeOffset LastUsed);
}
