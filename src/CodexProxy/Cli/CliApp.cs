using System.CommandLine;

namespace CodexProxy.Cli;

/// <summary>The command tree. Each command lives in its own file and exposes <c>Create()</c>.</summary>
internal static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Serve the Anthropic Messages API from your ChatGPT Plus/Pro subscription (Codex backend).");
        root.Subcommands.Add(StartCommand.Create());
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(LogoutCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(AccountsCommand.Create());
        root.Subcommands.Add(ClaudeCommand.Create());
        root.Subcommands.Add(StopCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(UsageCommand.Create());
        root.Subcommands.Add(StatusLineCommand.Create());
        return root;
    }
}
