using System.CommandLine;
using CodexProxy.Cli;

namespace CodexProxy;

internal static class Program
{
    /// <summary>No response files: `claude -p "@notes.md …"` must reach Claude Code as typed.</summary>
    internal static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary><c>statusline</c> runs for every redraw of Claude Code's status line, so it skips building the command
    /// tree.</summary>
    public static Task<int> Main(string[] args) =>
        args is [StatusLineCommand.Name] ? Task.FromResult(StatusLineCommand.RunOnConsole()) : CliApp.Build().Parse(args, Parsing).InvokeAsync();
}
