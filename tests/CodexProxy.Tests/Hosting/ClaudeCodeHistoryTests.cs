using CodexProxy.Hosting;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The premise of <see cref="MessageHistoryParser"/>, held against the real Claude Code CLI: over a tool loop it
/// re-sends its earlier messages byte for byte (only the cache marker moves to the new end), so from the third turn on
/// the proxy takes them from the previous request instead of parsing them again, and the loop still ends as it should
/// over the WebSocket transport, with the backend's reconstructed input accepted.
/// </summary>
[Trait("Category", "ClaudeCode")]
public sealed class ClaudeCodeHistoryTests
{
    private const string FinalText = "All marker commands ran.";
    private const string Prompt = "Run the marker commands with the Bash tool one at a time, then tell me they all ran.";
    private const int MarkerCount = 4;

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task ToolLoop_ReSendsItsHistoryByteForByte_SoRepeatedMessagesAreNotParsedAgain(string version)
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct);
        var id = Guid.NewGuid().ToString("N");
        string Marker(int index) => $"MARKER_{index}_{id}";
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.AcceptWebSockets = true;
        fake.Responder = request => Respond(request, Marker);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(
                ClaudeCodeTests.StartInfo(claude, proxy.BaseAddress, home.FullName, workDir.FullName, Prompt, AnthropicRequests.Model),
                TimeSpan.FromMinutes(3),
                ct);

            var diagnostics = $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}\nupstream rejections: "
                + string.Join("; ", fake.Rejections.Select(r => r.Error.Body));
            var result = ClaudeCodeTests.ParseEvents(stdout).LastOrDefault(e => e.GetProperty("type").ValueEquals("result"));
            Assert.True(result.ValueKind == System.Text.Json.JsonValueKind.Object, "no result event\n" + diagnostics);
            Assert.Equal(FinalText, result.GetProperty("result").GetString());
            Assert.Equal(0, exitCode);
            Assert.Empty(fake.Rejections);

            // Turns 3 to 5 each repeat all but the last message of the turn before; some of those bodies are past the
            // size the parser remembers from (the 12 KB outputs see to that on every pin).
            var parser = proxy.Services.GetRequiredService<MessageHistoryParser>();
            Assert.True(parser.RepeatedMessages >= 4, $"{parser.RepeatedMessages} messages reused\n" + diagnostics);
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }

    /// <summary>The main loop (it offers Bash) runs one marker command per turn, each printing ~12 KB, then answers;
    /// side calls get a short text.</summary>
    private static SseScenario Respond(RecordedRequest request, Func<int, string> marker)
    {
        if (!request.ToolNames.Contains("Bash"))
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", "OK");
        }

        var ran = Enumerable.Range(1, MarkerCount)
            .Count(index => request.FunctionCallOutputTexts().Any(output => output.Contains(marker(index), StringComparison.Ordinal)));
        if (ran == MarkerCount)
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", FinalText);
        }

        var tool = UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", $"seq 100000 102000; echo {marker(ran + 1)}");
        return tool with
        {
            Sse = tool.Sse
                .Replace("call_e2e_bash", $"call_e2e_bash_{ran + 1}", StringComparison.Ordinal)
                .Replace("resp_e2e_tool", $"resp_e2e_tool_{ran + 1}", StringComparison.Ordinal),
        };
    }
}
