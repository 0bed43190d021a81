using CodexProxy.Cli;

namespace CodexProxy;

internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.Build().Parse(args).InvokeAsync();
}
