using System.CommandLine;
using System.CommandLine.Parsing;

namespace CodexProxy.Cli;

/// <summary><c>claude [args…]</c>: run Claude Code through the proxy, starting the proxy when none is running.</summary>
internal static class ClaudeCommand
{
    public static Command Create()
    {
        var command = new Command(
            "claude",
            "Run Claude Code through the proxy (started in the background if none answers on CHATGPT_CODEX_PROXY_PORT, PORT or 19080). "
            + "Arguments go to claude unchanged; put them after -- to pass --help or -h.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Arguments.Add(new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore, Description = "Arguments for claude." });

        // A synchronous action on purpose: an async one makes System.CommandLine end the process soon after Ctrl+C,
        // and Ctrl+C is meant for Claude Code.
        command.SetAction(parseResult =>
        {
            using var http = new HttpClient();
            var launcher = new ClaudeLauncher(Environment.GetEnvironmentVariables(), http, Console.Error, TimeProvider.System, PortOwners.Find);
            return launcher.RunAsync(ForwardedArguments(parseResult), CancellationToken.None).GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>Every token after <c>claude</c>, in order, whatever the parser made of it (less the first <c>--</c>).</summary>
    private static List<string> ForwardedArguments(ParseResult parseResult)
    {
        var tokens = parseResult.Tokens;
        var first = 0;
        while (first < tokens.Count && !(tokens[first].Type == TokenType.Command && tokens[first].Value == "claude"))
        {
            first++;
        }

        var forwarded = new List<string>();
        var sawDoubleDash = false;
        foreach (var token in tokens.Skip(first + 1))
        {
            if (token.Type == TokenType.DoubleDash && !sawDoubleDash)
            {
                sawDoubleDash = true;
                continue;
            }

            forwarded.Add(token.Value);
        }

        return forwarded;
    }
}
