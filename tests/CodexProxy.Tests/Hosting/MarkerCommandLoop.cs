using System.Text.Json;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// A Claude Code tool loop the fake backend drives: the main loop (the requests that offer Bash) gets one marker
/// command per turn, each with its own call and response ids, until every marker's output is back, then
/// <see cref="FinalText"/>; side calls get a short text. <see cref="RunAsync"/> runs the real CLI headless on it.
/// </summary>
internal sealed class MarkerCommandLoop(int commands, Func<string, string>? command = null)
{
    public const string FinalText = "All marker commands ran.";

    public const string Prompt = "Run the marker commands with the Bash tool one at a time, then tell me they all ran.";

    private readonly string _id = Guid.NewGuid().ToString("N");

    public int Commands => commands;

    public string Marker(int index) => $"MARKER_{index}_{_id}";

    /// <summary>Whether <paramref name="request"/> carries the output of marker command <paramref name="index"/>.</summary>
    public bool Carries(RecordedRequest request, int index) =>
        request.FunctionCallOutputTexts().Any(output => output.Contains(Marker(index), StringComparison.Ordinal));

    public SseScenario Respond(RecordedRequest request)
    {
        if (!request.ToolNames.Contains("Bash"))
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", "OK");
        }

        var ran = Enumerable.Range(1, commands).Count(index => Carries(request, index));
        if (ran == commands)
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", FinalText);
        }

        var echo = $"echo {Marker(ran + 1)}";
        var tool = UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", command?.Invoke(echo) ?? echo);
        return tool with
        {
            Sse = tool.Sse
                .Replace("call_e2e_bash", $"call_e2e_bash_{ran + 1}", StringComparison.Ordinal)
                .Replace("resp_e2e_tool", $"resp_e2e_tool_{ran + 1}", StringComparison.Ordinal),
        };
    }

    /// <summary>Runs Claude Code <paramref name="claude"/> headless on <see cref="Prompt"/> through the proxy, in a
    /// throwaway home and working directory; asserts that it ended with <see cref="FinalText"/>, exit code 0.
    /// Returns what to print when a later assertion fails (with <paramref name="describe"/>'s account of the run).</summary>
    public static async Task<string> RunAsync(string claude, Uri proxy, string model, Func<string> describe, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(
                ClaudeCodeTests.StartInfo(claude, proxy, home.FullName, workDir.FullName, Prompt, model),
                TimeSpan.FromMinutes(3),
                cancellationToken);

            var diagnostics = $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}\n{describe()}";
            var result = ClaudeCodeTests.ParseEvents(stdout).LastOrDefault(e => e.GetProperty("type").ValueEquals("result"));
            Assert.True(result.ValueKind == JsonValueKind.Object, "no result event\n" + diagnostics);
            Assert.False(result.GetProperty("is_error").GetBoolean(), diagnostics);
            Assert.Equal(FinalText, result.GetProperty("result").GetString());
            Assert.Equal(0, exitCode);
            return diagnostics;
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }
}
