using System.Globalization;

namespace CodexProxy.Logging;

/// <summary>Where log lines go: a console writer and a rolling file. Replaceable in DI (tests capture both).</summary>
internal sealed record LogSinks(TextWriter Console, string FilePath, long RotateBytes = RollingLogFile.DefaultMaxBytes);

/// <summary>The proxy's only logger provider: one redacted line per entry, to the console and the log file.</summary>
internal sealed class ProxyLoggerProvider(LogSinks sinks, TimeProvider time) : ILoggerProvider
{
    private readonly RollingLogFile _file = new(sinks.FilePath, sinks.RotateBytes);
    private readonly Lock _consoleGate = new();

    public ILogger CreateLogger(string categoryName) => new ProxyLogger(this, ShortName(categoryName));

    public void Dispose() => _file.Dispose();

    internal void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var text = exception is null ? message : $"{message}{Environment.NewLine}{exception}";
        var line = LogRedactor.Redact(string.Create(CultureInfo.InvariantCulture,
            $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {LevelName(level)} {category}: {text}"));
        lock (_consoleGate)
        {
            sinks.Console.WriteLine(line);
        }

        _file.WriteLine(line);
    }

    private static string ShortName(string category) =>
        category.StartsWith("CodexProxy.", StringComparison.Ordinal) ? category["CodexProxy.".Length..] : category;

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class ProxyLogger(ProxyLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
