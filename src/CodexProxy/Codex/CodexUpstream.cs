using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Diagnostics;

namespace CodexProxy.Codex;

/// <summary>
/// The upstream call pipeline: opens the Codex stream (on the conversation's WebSocket when
/// <see cref="CodexWebSocketTransport"/> takes the turn, else over HTTPS), retries what
/// <see cref="UpstreamRetryPolicy"/> allows before any output, recovers once from <c>invalid_encrypted_content</c> by dropping replayed reasoning (both decided by
/// <see cref="UpstreamFailureClassifier"/>), moves the system prompt between the input and the <c>instructions</c>
/// field once when the backend refuses where it is (<see cref="InstructionsPlacement"/>), and then hands the events
/// through unchanged. Cancelling the enumeration aborts the upstream request immediately. With several accounts,
/// <see cref="AccountRouter"/> picks the account, and a usage limit before any output moves the request to another.
/// </summary>
internal sealed class CodexUpstream(
    CodexClient client,
    AccountRouter router,
    CodexWebSocketTransport webSockets,
    UpstreamRetryPolicy policy,
    ProxyOptions options,
    TimeProvider time,
    ActivityGauges gauges,
    ILogger<CodexUpstream> logger)
{
    private readonly UpstreamFailureClassifier _classifier = new(time);
    private readonly InstructionsPlacement _instructions = new();
    private readonly UpstreamUsageLimits _usageLimits = new(time);

    /// <param name="onAccount">Told the account each attempt goes to (the last one told is the one that answered).</param>
    public async IAsyncEnumerable<CodexStreamEvent> StreamAsync(
        CodexRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        Action<AccountName>? onAccount = null)
    {
        var attempt = await OpenWithRetriesAsync(request, onAccount, cancellationToken);
        await using (attempt)
        {
            foreach (var codexEvent in attempt.Preamble)
            {
                yield return codexEvent;
            }

            while (await attempt.Events.MoveNextAsync())
            {
                yield return attempt.Events.Current;
            }
        }
    }

    private async Task<UpstreamAttempt> OpenWithRetriesAsync(CodexRequest request, Action<AccountName>? onAccount, CancellationToken cancellationToken)
    {
        var conversation = request.PromptCacheKey is { Length: > 0 } key ? key : null;
        var accounts = router.Accounts();
        var previous = conversation is null ? null : router.AccountOf(conversation);
        var account = router.Choose(conversation, accounts);
        if (previous is not null && previous != account.Name)
        {
            client.ForgetTurnState(request);
        }

        var tried = new HashSet<AccountName> { account.Name };
        onAccount?.Invoke(account.Name);
        var retries = 0;
        var reasoningDropped = false;
        var placementSwitched = false;
        var mapped = request;
        request = _instructions.Apply(mapped);
        while (true)
        {
            UpstreamAttempt? attempt = null;
            try
            {
                attempt = await webSockets.TryOpenAsync(request, account, cancellationToken)
                    ?? await UpstreamAttempt.OpenAsync(client, request, options.UpstreamIdleTimeout, time, gauges, cancellationToken, account);
                await attempt.ReadPreambleAsync();
                return attempt;
            }
            catch (Exception exception)
            {
                // Disposed on every path, cancellation included: a client that leaves during the preamble must not
                // leave the response (and its idle watch) behind.
                if (attempt is not null)
                {
                    await attempt.DisposeAsync();
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                if (_classifier.Classify(exception) is not { } failure)
                {
                    throw;
                }

                if (accounts.Count > 1 && UpstreamUsageLimits.IsAccountLimit(failure))
                {
                    var next = router.FailOver(conversation, account, failure.ResetsAt, tried, accounts);
                    if (next is null)
                    {
                        var soonest = router.SoonestReset(accounts);
                        CodexLog.EveryAccountLimited(logger, accounts.Count, soonest);
                        throw new EveryAccountLimitedException(_usageLimits.OnEveryAccount(failure, soonest, accounts.Count));
                    }

                    CodexLog.MovingToAccount(logger, account.Name.Value, router.RestingUntil(account.Name), next.Name.Value);
                    client.ForgetTurnState(request);
                    account = next;
                    tried.Add(next.Name);
                    onAccount?.Invoke(next.Name);
                    continue;
                }

                if (!reasoningDropped && failure.Kind == UpstreamFailureKind.InvalidEncryptedContent && WithoutReasoning(request) is { } stripped)
                {
                    CodexLog.DroppingReasoning(logger, request.Input.Count - stripped.Input.Count);
                    request = stripped;
                    reasoningDropped = true;
                    continue;
                }

                if (_instructions.TrySwitch(mapped, failure, placementSwitched))
                {
                    placementSwitched = true;
                    CodexLog.MovingInstructions(logger, _instructions.AsField ? "the instructions field" : "a developer message", failure.Message);
                    request = _instructions.Apply(reasoningDropped ? WithoutReasoning(mapped) ?? mapped : mapped);
                    continue;
                }

                if (!policy.ShouldRetry(failure, retries))
                {
                    ExceptionDispatchInfo.Throw(exception);
                }

                var delay = policy.DelayBefore(retries);
                retries++;
                CodexLog.Retrying(logger, retries, policy.MaxRetries, (long)delay.TotalMilliseconds, failure.Kind, failure.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>Null when there is nothing to drop, so the original failure is reported instead.</summary>
    private static CodexRequest? WithoutReasoning(CodexRequest request)
    {
        var kept = request.Input.Where(static item => item is not CodexReasoningItem).ToList();
        return kept.Count == request.Input.Count ? null : request with { Input = kept };
    }
}
