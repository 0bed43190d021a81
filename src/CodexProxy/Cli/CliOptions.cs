using CodexProxy.Configuration;
using CodexProxy.Hosting;

namespace CodexProxy.Cli;

/// <summary>Configuration for a command, from the environment.</summary>
internal static class CliOptions
{
    /// <summary>Exit code of a command whose configuration is invalid.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The options, or null after saying on stderr what is wrong with them.</summary>
    public static async Task<ProxyOptions?> LoadAsync()
    {
        try
        {
            return ProxyOptions.FromEnvironment();
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
            return null;
        }
    }
}
