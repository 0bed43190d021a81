using System.CommandLine;
using CodexProxy.Cli;

namespace CodexProxy;

internal static class Program
{
    /// <summary>No response files: `claude -p "@notes.md …"` must reach Claude Code as typed.</summary>
    internal static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static Task<int> Main(string[] args) => CliApp.Build().Parse(args, Parsing).InvokeAsync();
}
