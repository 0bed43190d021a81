using CodexProxy.Auth;
using CodexProxy.Hosting;
using CodexProxy.Logging;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>What the auth commands share: configuration from the environment, the redacting logger (stderr and the log file), the auth components.</summary>
internal static class AuthCommandContext
{
    /// <summary>Runs <paramref name="run"/> with components built from the environment; 2 on a configuration error.</summary>
    public static Task<int> RunAsync(Func<AuthComponents, IAnsiConsole, Task<int>> run) => RunAsync(account: null, run);

    /// <summary>The same for the account named by <c>--account</c> (the default account when null); 2 when the name is
    /// not a valid account name.</summary>
    public static async Task<int> RunAsync(string? account, Func<AuthComponents, IAnsiConsole, Task<int>> run)
    {
        var name = AccountName.Default;
        if (account is not null && !AccountName.TryParse(account, out name))
        {
            await Console.Error.WriteLineAsync(
                $"Invalid --account '{account}': use 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit.");
            return CliOptions.ConfigurationError;
        }

        if (await CliOptions.LoadAsync() is not { } options)
        {
            return CliOptions.ConfigurationError;
        }

        using var loggers = CliLogging.Create(new LogSinks(Console.Error, options.LogFile), LogLevel.Warning, TimeProvider.System);
        var auth = AuthComponents.FromEnvironment(options, Environment.GetEnvironmentVariables(), TimeProvider.System, loggers);
        return await run(auth.ForAccount(name), AnsiConsole.Console);
    }
}
