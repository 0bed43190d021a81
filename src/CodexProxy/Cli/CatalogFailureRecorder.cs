using CodexProxy.Codex;

namespace CodexProxy.Cli;

/// <summary>
/// The catalogue's logger for <c>models</c>: <see cref="ModelCatalog"/> reports why a fetch failed only through its
/// log, and the command wants that reason as a plain sentence rather than a log line on stderr.
/// </summary>
internal sealed class CatalogFailureRecorder : ILogger<ModelCatalog>
{
    /// <summary>The catalogue's <c>{Reason}</c> field (e.g. <c>HTTP 500</c>) of the last warning, or its whole message.</summary>
    public string? LastFailure { get; private set; }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        LastFailure = state is IReadOnlyList<KeyValuePair<string, object?>> fields
            && fields.FirstOrDefault(f => f.Key == "Reason").Value is string { Length: > 0 } reason
                ? reason
                : formatter(state, exception);
    }
}
