using CodexProxy.Usage;

namespace CodexProxy.Tests.Usage;

/// <summary>Rows and waiting helpers for the usage history tests.</summary>
internal static class UsageHistoryTestData
{
    public static UsageRecord Row(
        DateTimeOffset at, string? session = "session-a", string codexModel = "gpt-6.1-sol", long input = 1000, long cached = 800,
        long output = 50, long reasoning = 10, string account = UsageRecord.DefaultAccount, string api = "anthropic") => new()
        {
            At = at,
            Account = account,
            Session = session,
            Api = api,
            RequestedModel = "claude-sonnet-5-5",
            CodexModel = codexModel,
            InputTokens = input,
            CachedTokens = cached,
            OutputTokens = output,
            ReasoningTokens = reasoning,
            DurationMs = 1234,
            Outcome = UsageRecord.OkOutcome,
        };

    /// <summary>Every row's requests count since the beginning of time.</summary>
    public static long Count(string path) => UsageHistoryReader.Total(path, DateTimeOffset.MinValue.AddYears(1970)).Requests;

    /// <summary>Waits until the background writer has committed <paramref name="rows"/> rows (or fails the test).</summary>
    public static async Task WaitForRowsAsync(string path, long rows, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Count(path) < rows)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} has {Count(path)} rows, not {rows}.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
