using System.Diagnostics;
using System.Text.Json;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The real Claude Code CLI (the versions pinned in <c>tests/claude-code</c>), headless, through the proxy to the
/// fake backend serving the Codex CLI 0.169.0 catalogue: the model asks for a Bash call, Claude Code runs it, and the
/// output travels back upstream. Versions differ in side calls, tools and model ids, so the assertions are about what
/// the user sees, and about the request shape the catalogue asks for (the fake refuses the wrong one).
/// </summary>
[Trait("Category", "ClaudeCode")]
public sealed class ClaudeCodeTests
{
    private const string FinalText = "The marker command ran.";
    private const string LiteModel = "gpt-6.1-sol";

    /// <summary>A Responses-lite model and a classic one on the newest pin; the classic one on older pins.</summary>
    public static TheoryData<string, string> VersionsAndModels =>
        ClaudeCodeInstallation.VersionsAndModels([LiteModel, AnthropicRequests.Model], olderPinsModel: AnthropicRequests.Model);

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(VersionsAndModels))]
    public async Task BashToolLoop_RunsCommandAndReportsFinalText(string version, string model)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ModelsCatalogue = await File.ReadAllTextAsync(CodexCliCatalogue.FixturePath, ct);
        var (marker, diagnostics) = await RunBashToolLoopAsync(version, fake, model);

        Assert.Contains(fake.Requests, r => r.FunctionCallOutputTexts().Any(output => output.Contains(marker, StringComparison.Ordinal)));
        var loop = fake.Requests.Where(r => r.ToolNames.Contains("Bash")).ToList();
        Assert.True(loop.Count >= 2, diagnostics);
        Assert.All(loop, request => AssertShape(request, model));
    }

    /// <summary>The same loop over the WebSocket transport: the turn that carries the command's output continues the
    /// previous response on the conversation's socket and sends only the items after it, and the backend's
    /// reconstructed input (which it validates) has the output.</summary>
    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task BashToolLoopOverWebSocket_SendsOnlyTheNewItems(string version)
    {
        await using var fake = await FakeCodexUpstream.StartAsync(TestContext.Current.CancellationToken);
        fake.AcceptWebSockets = true;
        var (marker, _) = await RunBashToolLoopAsync(version, fake, AnthropicRequests.Model);

        var turn = Assert.Single(fake.WebSocketTurns, r => r.FunctionCallOutputTexts().Any(output => output.Contains(marker, StringComparison.Ordinal)));
        var frame = fake.WebSocketFrames.Single(f => f.Number == turn.Number).Json!.Value;
        Assert.True(frame.TryGetProperty("previous_response_id", out _), "the tool result turn went out in full: " + frame);
        Assert.Equal("function_call_output", frame.GetProperty("input")[0].GetProperty("type").GetString());
        Assert.True(frame.GetProperty("input").GetArrayLength() < turn.InputItems.Count);
    }

    /// <summary>Runs the Bash loop with <paramref name="model"/> through the proxy in front of <paramref name="fake"/>;
    /// returns the marker and what to print when a later assertion fails.</summary>
    private static async Task<(string Marker, string Diagnostics)> RunBashToolLoopAsync(string version, FakeCodexUpstream fake, string model)
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct);
        var marker = $"MARKER_{Guid.NewGuid():N}";
        fake.Responder = request => Respond(request, marker);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(
                StartInfo(claude, proxy.BaseAddress, home.FullName, workDir.FullName, "Run the marker command with the Bash tool, then tell me it ran.", model),
                TimeSpan.FromMinutes(2),
                ct);

            var diagnostics = $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}\nupstream rejections: "
                + string.Join("; ", fake.Rejections.Select(r => r.Error.Body));
            var result = ParseEvents(stdout).LastOrDefault(e => e.GetProperty("type").ValueEquals("result"));
            Assert.True(result.ValueKind == JsonValueKind.Object, "no result event\n" + diagnostics);
            Assert.False(result.GetProperty("is_error").GetBoolean(), diagnostics);
            Assert.Equal(FinalText, result.GetProperty("result").GetString());
            Assert.Equal(0, exitCode);
            Assert.Empty(fake.Rejections);
            return (marker, diagnostics);
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }

    /// <summary>Responses-lite (every gpt-6.x in the catalogue): the header, the tools in an <c>additional_tools</c>
    /// item first in the input, no top-level <c>tools</c>; classic: top-level tools and neither of the others.</summary>
    private static void AssertShape(RecordedRequest request, string model)
    {
        var body = request.Json!.Value;
        Assert.Equal(model, body.GetProperty("model").GetString());
        var declarations = request.ItemsOfType("additional_tools").ToList();
        if (model == LiteModel)
        {
            Assert.Equal("true", request.Header(CodexRequestValidator.ResponsesLiteHeader));
            Assert.False(body.TryGetProperty("tools", out _), "a lite request carries no top-level tools");
            Assert.True(request.InputItems[0].GetProperty("type").ValueEquals("additional_tools"));
            Assert.Equal("all_turns", body.GetProperty("reasoning").GetProperty("context").GetString());
        }
        else
        {
            Assert.Null(request.Header(CodexRequestValidator.ResponsesLiteHeader));
            Assert.Empty(declarations);
            Assert.Contains(body.GetProperty("tools").EnumerateArray(), tool => tool.TryGetProperty("name", out var name) && name.ValueEquals("Bash"));
        }
    }

    /// <summary>The main loop offers Bash: first ask for the command, then (with its output) answer.
    /// Anything else (title generation, other side calls) gets a short text.</summary>
    private static SseScenario Respond(RecordedRequest request, string marker)
    {
        if (request.FunctionCallOutputTexts().Any(output => output.Contains(marker, StringComparison.Ordinal)))
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", FinalText);
        }

        return request.ToolNames.Contains("Bash") && !request.ItemsOfType("function_call").Any()
            ? UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", $"echo {marker}")
            : UpstreamScenario.Transcript("text-template.sse").With("TEXT", "OK");
    }

    /// <summary>A minimal, <c>env -i</c>-style environment (only what Claude Code needs to run headless); no <c>--model</c> when
    /// <paramref name="model"/> is null (Claude Code's default model).</summary>
    internal static ProcessStartInfo StartInfo(string claude, Uri proxy, string home, string workDir, string prompt, string? model)
    {
        var start = new ProcessStartInfo(claude)
        {
            WorkingDirectory = workDir,
            ArgumentList =
            {
                "-p", prompt,
                "--output-format", "stream-json", "--verbose",
                "--permission-mode", "bypassPermissions",
            },
        };
        if (model is not null)
        {
            start.ArgumentList.Add("--model");
            start.ArgumentList.Add(model);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        start.Environment.Clear();
        start.Environment["PATH"] = path;
        start.Environment["HOME"] = home;
        start.Environment["TERM"] = "dumb";
        start.Environment["ANTHROPIC_BASE_URL"] = proxy.ToString().TrimEnd('/');
        start.Environment["ANTHROPIC_API_KEY"] = "test";
        start.Environment["DISABLE_TELEMETRY"] = "1";
        start.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        start.Environment["CLAUDE_CODE_MAX_RETRIES"] = "0";
        start.Environment["IS_SANDBOX"] = "1";
        if (OperatingSystem.IsWindows())
        {
            start.Environment["USERPROFILE"] = home;
            start.Environment["SystemRoot"] = Environment.GetEnvironmentVariable("SystemRoot");
        }

        return start;
    }

    internal static IEnumerable<JsonElement> ParseEvents(string stdout)
    {
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            JsonElement? parsed = null;
            try
            {
                using var document = JsonDocument.Parse(line);
                parsed = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not an event line.
            }

            if (parsed is { ValueKind: JsonValueKind.Object } element && element.TryGetProperty("type", out _))
            {
                yield return element;
            }
        }
    }
}
