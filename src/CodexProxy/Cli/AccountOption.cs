using System.CommandLine;

namespace CodexProxy.Cli;

/// <summary>The <c>--account NAME</c> option of <c>login</c> and <c>logout</c>; the name is checked when the command runs.</summary>
internal static class AccountOption
{
    public static Option<string?> Create(string description) => new("--account") { Description = description, HelpName = "NAME" };
}
