using CodexProxy.Cli;
using Xunit;

namespace CodexProxy.Tests.Cli;

public sealed class ProgramParsingTests
{
    [Fact]
    public void AtPrefixedArgument_ReachesClaudeAsTyped()
    {
        var result = CliApp.Build().Parse(["claude", "-p", "@notes.md explain"], Program.Parsing);

        Assert.Empty(result.Errors);
        Assert.Contains(result.Tokens, token => token.Value == "@notes.md explain");
    }
}
