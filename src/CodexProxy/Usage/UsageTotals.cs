namespace CodexProxy.Usage;

/// <summary>What a group of recorded requests added up to. <see cref="Input"/> includes <see cref="Cached"/>.</summary>
internal sealed record UsageTotals(string Key, long Requests, long Input, long Cached, long Output, long Reasoning)
{
    /// <summary>The share of input tokens the backend served from its prompt cache; null without input.</summary>
    public double? CacheHitRatio => Input > 0 ? (double)Cached / Input : null;
}

/// <summary>What <c>usage --by</c> groups the history by.</summary>
internal enum UsageGrouping
{
    Day,
    Model,
    Account,
    Session,
}

/// <summary>The last request of one session: the model asked for, the Codex model and account it went to, and the
/// session's totals.</summary>
internal sealed record SessionUsage(string? RequestedModel, string? CodexModel, string Account, DateTimeOffset LastAt, UsageTotals Totals);
