namespace CodexProxy.Logging;

/// <summary>Loggers for the CLI commands (login, status, logout): the server's redacting provider and sinks, so a
/// command cannot log what the server would scrub.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogSinks sinks, LogLevel minimum, TimeProvider time) =>
        LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(minimum);
            logging.AddFilter("Microsoft", LogLevel.Error);
            // Registered as a factory so the container owns (and disposes) the provider and its log file.
            logging.Services.AddSingleton<ILoggerProvider>(_ => new ProxyLoggerProvider(sinks, time));
        });
}
