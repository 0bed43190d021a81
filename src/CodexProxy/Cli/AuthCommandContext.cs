using CodexProxy.Auth;
using CodexProxy.Hosting;
using CodexProxy.Logging;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>What the auth commands share: configuration from the environment, the redacting logger (stderr and the log file), the auth components.</summary>
internal static class AuthCommandContext
{
    /// <summary>Runs <paramref name="run"/> with components built from the environment; 2 on a configuration error.</summary>
    public static async Task<int> RunAsync(Func<AuthComponents, IAnsiConsole, Task<int>> run)
    {
        if (await CliOptions.LoadAsync() is not { } options)
        {
            return CliOptions.ConfigurationError;
        }

        using var loggers = CliLogging.Create(new LogSinks(Console.Error, options.LogFile), LogLevel.Warning, TimeProvider.System);
        var auth = AuthComponents.FromEnvironment(options, Environment.GetEnvironmentVariables(), TimeProvider.System, loggers);
        return await run(auth, AnsiConsole.Console);
    }
}
