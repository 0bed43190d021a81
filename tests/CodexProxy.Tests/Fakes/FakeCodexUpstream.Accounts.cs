namespace CodexProxy.Tests.Fakes;

/// <summary>
/// Several ChatGPT accounts, told apart by <c>chatgpt-account-id</c>: an account can run out of allowance, from the
/// start or mid-session, and then answers every request with the real usage-limit 429 (body and <c>x-codex-*</c>
/// headers, <see cref="UpstreamErrors.UsageLimit"/>) until its reset, while the other accounts carry on.
/// </summary>
internal sealed partial class FakeCodexUpstream
{
    private readonly Dictionary<string, AccountAllowance> _allowances = new(StringComparer.Ordinal);

    /// <summary>From the first request of <paramref name="accountId"/> that matches <paramref name="from"/> (any
    /// request when null) on, that account is out of allowance until <paramref name="resetsAt"/>.</summary>
    public FakeCodexUpstream ExhaustAccount(string accountId, DateTimeOffset resetsAt, Func<RecordedRequest, bool>? from = null)
    {
        lock (_gate)
        {
            _allowances[accountId] = new AccountAllowance(resetsAt, from) { Exhausted = from is null };
        }

        return this;
    }

    /// <summary>Requests that reached <paramref name="accountId"/>, usage-limit answers included.</summary>
    public IReadOnlyList<RecordedRequest> RequestsFor(string accountId) => [.. Requests.Where(r => r.AccountId == accountId)];

    /// <summary>Called under the gate, in arrival order.</summary>
    private ErrorScenario? AccountLimit(RecordedRequest request)
    {
        if (request.AccountId is not { } accountId || !_allowances.TryGetValue(accountId, out var allowance))
        {
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        if (allowance.ResetsAt <= now)
        {
            return null;
        }

        allowance.Exhausted |= allowance.From?.Invoke(request) == true;
        return allowance.Exhausted ? UpstreamErrors.UsageLimit(allowance.ResetsAt, now) : null;
    }

    private sealed record AccountAllowance(DateTimeOffset ResetsAt, Func<RecordedRequest, bool>? From)
    {
        public bool Exhausted { get; set; }
    }
}
