using System.Globalization;
using System.Text;

namespace CodexProxy.Logging;

/// <summary>Where log lines go: a console writer and a rolling file. Replaceable in DI (tests capture both).</summary>
internal sealed record LogSinks(TextWriter Console, string FilePath, long RotateBytes = RollingLogFile.DefaultMaxBytes)
{
    /// <summary>Standard error for the log's batches. <see cref="System.Console.Error"/> writes every 256 characters,
    /// a system call per log line under load; this one writes when the log writer flushes, once per batch.</summary>
    public static TextWriter BufferedStandardError() =>
        new StreamWriter(System.Console.OpenStandardError(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
}

/// <summary>The proxy's only logger provider: one redacted line per entry, to the console and the log file.
/// Lines are redacted on the caller's thread and written in the background.</summary>
internal sealed class ProxyLoggerProvider(LogSinks sinks, TimeProvider time) : ILoggerProvider
{
    private readonly BackgroundLogWriter _writer = new(sinks.Console, new RollingLogFile(sinks.FilePath, sinks.RotateBytes));

    public ILogger CreateLogger(string categoryName) => new ProxyLogger(this, ShortName(categoryName));

    public void Dispose() => _writer.Dispose();

    /// <summary>Completes once every line logged before the call is written to both sinks.</summary>
    public Task FlushAsync() => _writer.FlushAsync();

    internal void Write(LogLevel level, string category, string message, Exception? exception)
    {
        // Escaped here, once, so no call site can forget: message arguments often come from a request.
        var escaped = LogText.EscapeControlCharacters(message);
        var text = exception is null ? escaped : $"{escaped}{Environment.NewLine}{LogText.IndentedException(exception)}";
        var line = LogRedactor.Redact(string.Create(CultureInfo.InvariantCulture,
            $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {LevelName(level)} {category}: {text}"));
        _writer.Enqueue(line);
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
