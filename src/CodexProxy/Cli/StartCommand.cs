using System.CommandLine;
using CodexProxy.Hosting;

namespace CodexProxy.Cli;

/// <summary><c>start</c>: run the proxy in the foreground until Ctrl+C.</summary>
internal static class StartCommand
{
    public static Command Create()
    {
        var command = new Command("start", "Run the proxy server in the foreground (PORT, HOST and friends come from the environment).");
        command.SetAction(async (_, cancellationToken) =>
        {
            if (await CliOptions.LoadAsync() is not { } options)
            {
                return CliOptions.ConfigurationError;
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
