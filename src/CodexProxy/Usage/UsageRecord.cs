namespace CodexProxy.Usage;

/// <summary>
/// One answered request, as the usage history keeps it. Token counts are the backend's own: <see cref="InputTokens"/>
/// includes <see cref="CachedTokens"/> and <see cref="OutputTokens"/> includes <see cref="ReasoningTokens"/>, as the
/// Codex backend reports them.
/// </summary>
internal sealed record UsageRecord
{
    public const string DefaultAccount = "default";

    public const string OkOutcome = "ok";

    public const string CancelledOutcome = "cancelled";

    public required DateTimeOffset At { get; init; }

    public string Account { get; init; } = DefaultAccount;

    /// <summary>The client's session (Claude Code's session id); null when the client sent none.</summary>
    public string? Session { get; init; }

    /// <summary><c>anthropic</c>, <c>chat.completions</c> or <c>responses</c>.</summary>
    public required string Api { get; init; }

    public string? RequestedModel { get; init; }

    public string? CodexModel { get; init; }

    public long InputTokens { get; init; }

    public long CachedTokens { get; init; }

    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }

    public long DurationMs { get; init; }

    /// <summary><see cref="OkOutcome"/>, <see cref="CancelledOutcome"/>, or the Anthropic error type of the failure.</summary>
    public required string Outcome { get; init; }
}
