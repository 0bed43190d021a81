using System.CommandLine;
using CodexProxy.Hosting;
using CodexProxy.Logging;

namespace CodexProxy.Cli;

/// <summary><c>start</c>: run the proxy in the foreground until Ctrl+C (or SIGTERM, which <c>stop</c> sends).</summary>
internal static class StartCommand
{
    public const string LogFileOnlyOption = "--log-file-only";

    public static Command Create()
    {
        var logFileOnly = new Option<bool>(LogFileOnlyOption)
        {
            Description = "Log only to the log file, not to the console (how `claude` runs its background proxy).",
        };
        var command = new Command("start", "Run the proxy server in the foreground (PORT, HOST and friends come from the environment).") { logFileOnly };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await CliOptions.LoadAsync() is not { } loaded)
            {
                return CliOptions.ConfigurationError;
            }

            var options = loaded with { LogToConsole = !parse.GetValue(logFileOnly) };
            try
            {
                // Refuse an unsafe log file now, in one line, rather than run without the log the user expects.
                OwnerOnlyFile.OpenForAppend(options.LogFile).Dispose();
            }
            catch (UnsafeFileException e)
            {
                await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
                return CliOptions.ConfigurationError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Warning: the log file cannot be written ({e.Message}); logging to the console only.");
            }

            await using var app = ProxyApp.Create(options);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"Could not listen on {options.Host}:{options.Port}: {e.Message}");
                return 1;
            }

            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
