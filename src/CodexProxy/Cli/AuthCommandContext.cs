using CodexProxy.Auth;
using CodexProxy.Hosting;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>What the auth commands share: configuration from the environment, a stderr logger, the auth components.</summary>
internal static class AuthCommandContext
{
    /// <summary>Runs <paramref name="run"/> with components built from the environment; 2 on a configuration error.</summary>
    public static async Task<int> RunAsync(Func<AuthComponents, IAnsiConsole, Task<int>> run)
    {
        ProxyOptions options;
        try
        {
            options = ProxyOptions.FromEnvironment();
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
            return 2;
        }

        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Error));
        var auth = AuthComponents.FromEnvironment(options, Environment.GetEnvironmentVariables(), TimeProvider.System, loggers);
        return await run(auth, AnsiConsole.Console);
    }
}
