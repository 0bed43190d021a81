using System.Collections;
using CodexProxy.Configuration;

namespace CodexProxy.Cli;

/// <summary>Configuration for a command: the server's own <see cref="ProxyOptions"/>, parsed by the same code, with a
/// configuration error said in one line on stderr instead of a stack trace.</summary>
internal static class CliOptions
{
    /// <summary>Exit code of a command whose configuration is invalid.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The options, or null after saying on stderr what is wrong with them.</summary>
    public static async Task<ProxyOptions?> LoadAsync(IDictionary? environment = null)
    {
        try
        {
            return ProxyOptions.FromVariables(environment ?? Environment.GetEnvironmentVariables());
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
            return null;
        }
    }
}
