namespace CodexProxy.Auth;

/// <summary>
/// How much of an account's allowance is left by its last known windows: 100 minus the fullest <c>codex</c> window
/// (5-hour or weekly, whichever is fuller) that has not reset since. An account whose windows were never seen counts as
/// untouched. The one rule for "most allowance left", used by the router and by the <c>accounts</c> command.
/// </summary>
internal static class UsageAllowance
{
    public static double RemainingPercent(UsageSnapshot? snapshot, DateTimeOffset now)
    {
        if (snapshot is null)
        {
            return 100;
        }

        var used = new[] { snapshot.Primary, snapshot.Secondary }
            .OfType<UsageWindow>()
            .Where(window => window.ResetsAt is not { } reset || reset > now)
            .Select(window => window.UsedPercent)
            .DefaultIfEmpty(0)
            .Max();
        return Math.Clamp(100 - used, 0, 100);
    }

    /// <summary>The candidate with the most allowance left; ties go to the earlier one (callers list the default
    /// account first). Null when there are no candidates.</summary>
    public static T? MostRemaining<T>(IEnumerable<T> candidates, Func<T, UsageSnapshot?> usage, DateTimeOffset now)
        where T : class
    {
        T? best = null;
        var bestRemaining = double.MinValue;
        foreach (var candidate in candidates)
        {
            var remaining = RemainingPercent(usage(candidate), now);
            if (remaining > bestRemaining)
            {
                (best, bestRemaining) = (candidate, remaining);
            }
        }

        return best;
    }
}
