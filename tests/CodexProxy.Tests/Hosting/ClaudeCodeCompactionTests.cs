using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The real Claude Code CLI, headless, with <c>CLAUDE_CODE_DISABLE_1M_CONTEXT=1</c> (its window is then 200,000
/// tokens, below the Codex models' window): a session that crosses the limit compacts through the proxy and carries on
/// to its answer, with no error shown. The fake backend runs a Bash tool loop, answers every compaction request
/// (recognised by its instruction to reply with a <c>&lt;summary&gt;</c> block) with a summary, and either reports more
/// input tokens than the window holds (Claude Code's own count triggers the compaction) or refuses a turn with
/// <c>context_length_exceeded</c> (the proxy answers "prompt is too long", and Claude Code compacts and resends).
/// </summary>
[Trait("Category", "ClaudeCode")]
public sealed class ClaudeCodeCompactionTests
{
    private const string FinalText = "All marker commands ran.";
    private const string Prompt = "Run the marker commands with the Bash tool one at a time, then tell me they all ran.";

    /// <summary>More than the 200,000-token window Claude Code assumes once the 1M window is off.</summary>
    private const int OverWindowInputTokens = 240_000;

    /// <summary>The oldest pinned version: for a model name it does not know (the window's source is "auto") it leaves
    /// compaction to the API's "prompt is too long" and never compacts on its own count.</summary>
    private const string CompactsOnlyWhenRefused = "2.1.197";

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task UsageOverWindow_AutoCompactsAndCarriesOn(string version)
    {
        if (version == CompactsOnlyWhenRefused)
        {
            Assert.Skip($"{version} does not compact on its own count for a Codex model name; see {nameof(UsageOverWindow_OldestVersionSendsEveryTurnAndCarriesOn)}.");
        }

        var session = new CompactionSession(refusal: null) { ReportedInputTokens = OverWindowInputTokens };

        var run = await RunAsync(version, session);

        run.AssertAnswered();
        run.AssertCompacted();
        Assert.Equal(0, session.Refusals);
    }

    /// <summary>What 2.1.197 does when only its own count crosses the window: it compacts nothing and keeps sending the
    /// turns (the backend, which holds more, answers them); when the backend does refuse, the refusal tests show it
    /// compacting then.</summary>
    [Fact(Timeout = 15 * 60 * 1000)]
    public async Task UsageOverWindow_OldestVersionSendsEveryTurnAndCarriesOn()
    {
        var session = new CompactionSession(refusal: null) { ReportedInputTokens = OverWindowInputTokens };

        var run = await RunAsync(CompactsOnlyWhenRefused, session);

        run.AssertAnswered();
        Assert.True(session.Compactions == 0, run.Diagnostics);
        Assert.True(session.MarkerTurns == CompactionSession.MarkerCount, run.Diagnostics);
    }

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task ContextLengthExceededAsHttp400_CompactsAndCarriesOn(string version)
    {
        var session = new CompactionSession(refusal: UpstreamErrors.ContextLengthExceeded);

        var run = await RunAsync(version, session);

        run.AssertAnswered();
        run.AssertCompacted();
        Assert.Equal(1, session.Refusals);
    }

    [Theory(Timeout = 15 * 60 * 1000)]
    [MemberData(nameof(ClaudeCodeInstallation.Versions), MemberType = typeof(ClaudeCodeInstallation))]
    public async Task ContextLengthExceededAsResponseFailed_CompactsAndCarriesOn(string version)
    {
        var session = new CompactionSession(refusal: UpstreamErrors.ContextLengthExceededStream);

        var run = await RunAsync(version, session);

        run.AssertAnswered();
        run.AssertCompacted();
        Assert.Equal(1, session.Refusals);
    }

    private static async Task<CompactionRun> RunAsync(string version, CompactionSession session)
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(version, ct);
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = session.Respond;
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var start = ClaudeCodeTests.StartInfo(claude, proxy.BaseAddress, home.FullName, workDir.FullName, Prompt, AnthropicRequests.Model);
            start.Environment["CLAUDE_CODE_DISABLE_1M_CONTEXT"] = "1";
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(start, TimeSpan.FromMinutes(3), ct);
            var diagnostics = $"exit {exitCode}\nrequests:\n{string.Join('\n', session.Log)}\nstdout:\n{stdout}\nstderr:\n{stderr}\nupstream rejections: "
                + string.Join("; ", fake.Rejections.Select(r => r.Error.Body));
            TestContext.Current.TestOutputHelper?.WriteLine(diagnostics);
            return new CompactionRun(exitCode, [.. ClaudeCodeTests.ParseEvents(stdout)], session, fake.Rejections.Count, diagnostics);
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }

    private sealed record CompactionRun(int ExitCode, IReadOnlyList<JsonElement> Events, CompactionSession Session, int Rejections, string Diagnostics)
    {
        /// <summary>What the user wants: the final answer, no error, exit code 0.</summary>
        public void AssertAnswered()
        {
            var result = Events.LastOrDefault(e => e.GetProperty("type").ValueEquals("result"));
            Assert.True(result.ValueKind == JsonValueKind.Object, "no result event\n" + Diagnostics);
            Assert.False(result.GetProperty("is_error").GetBoolean(), Diagnostics);
            Assert.Equal(FinalText, result.GetProperty("result").GetString());
            Assert.Equal(0, ExitCode);
            Assert.Equal(0, Rejections);
            Assert.True(Session.FinalAnswers > 0, Diagnostics);
            Assert.DoesNotContain(Events, e => e.GetProperty("type").ValueEquals("assistant") && e.TryGetProperty("error", out _));
            Assert.DoesNotContain(Events, e => e.GetRawText().Contains("Prompt is too long", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>A compaction request reached the backend, and the turns after it carry its summary.</summary>
        public void AssertCompacted()
        {
            Assert.True(Session.Compactions > 0, "no compaction request\n" + Diagnostics);
            Assert.True(Session.TurnsAfterSummary > 0, "no turn carried the summary\n" + Diagnostics);
            Assert.Contains(Events, e => e.GetProperty("type").ValueEquals("system")
                && e.TryGetProperty("subtype", out var subtype) && subtype.ValueEquals("compact_boundary"));
        }
    }

    /// <summary>The fake's side of one session: a Bash loop over <see cref="MarkerCount"/> markers, one refusal (when
    /// scripted) of the turn that brings the last marker's output, and a summary for every compaction request.</summary>
    private sealed class CompactionSession(Func<UpstreamScenario>? refusal)
    {
        public const int MarkerCount = 3;
        private readonly string _id = Guid.NewGuid().ToString("N");
        private int _refusals;
        private int _compactions;
        private int _finalAnswers;
        private int _turnsAfterSummary;
        private int _markerTurns;

        public int ReportedInputTokens { get; init; } = 2_100;

        public ConcurrentQueue<string> Log { get; } = new();

        public int Refusals => Volatile.Read(ref _refusals);

        public int Compactions => Volatile.Read(ref _compactions);

        public int FinalAnswers => Volatile.Read(ref _finalAnswers);

        public int TurnsAfterSummary => Volatile.Read(ref _turnsAfterSummary);

        /// <summary>How many Bash calls the fake asked for.</summary>
        public int MarkerTurns => Volatile.Read(ref _markerTurns);

        private string SummaryToken => $"SUMMARY_{_id}";

        private string Marker(int index) => $"MARKER_{index}_{_id}";

        public UpstreamScenario Respond(RecordedRequest request)
        {
            var (answer, scenario) = Decide(request);
            var lastUser = LastUserText(request);
            Log.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"#{request.Number} tools={request.ToolNames.Count} items={request.InputItems.Count} outputs={request.FunctionCallOutputTexts().Count()} lastUser({lastUser.Length})=\"{Shorten(lastUser)}\" -> {answer}"));
            return scenario;
        }

        private (string Answer, UpstreamScenario Scenario) Decide(RecordedRequest request)
        {
            var lastUser = LastUserText(request);
            if (lastUser.Contains("<summary>", StringComparison.Ordinal) && !request.BodyText.Contains(SummaryToken, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _compactions);
                return ("summary", Text($"<summary>{SummaryToken}: the user asked to run {MarkerCount} marker commands with Bash; all of them ran.</summary>", 3_000));
            }

            var carriesSummary = request.BodyText.Contains(SummaryToken, StringComparison.Ordinal);
            if (carriesSummary)
            {
                Interlocked.Increment(ref _turnsAfterSummary);
            }

            if (!request.ToolNames.Contains("Bash"))
            {
                return ("side call", Text("OK", 2_100));
            }

            var ran = Enumerable.Range(1, MarkerCount)
                .Count(index => request.FunctionCallOutputTexts().Any(output => output.Contains(Marker(index), StringComparison.Ordinal)));
            if (ran == MarkerCount && refusal is not null && !carriesSummary && Interlocked.CompareExchange(ref _refusals, 1, 0) == 0)
            {
                return ("context_length_exceeded", refusal());
            }

            if (ran == MarkerCount || carriesSummary)
            {
                Interlocked.Increment(ref _finalAnswers);
                return ("final text", Text(FinalText, carriesSummary ? 3_000 : ReportedInputTokens));
            }

            Interlocked.Increment(ref _markerTurns);
            var tool = UpstreamScenario.Transcript("function-call-bash.sse").With("COMMAND", $"echo {Marker(ran + 1)}");
            var callId = $"call_e2e_bash_{ran + 1}";
            return ($"bash {ran + 1}", tool with
            {
                Sse = tool.Sse
                    .Replace("call_e2e_bash", callId, StringComparison.Ordinal)
                    .Replace("\"input_tokens\":2100", $"\"input_tokens\":{ReportedInputTokens}", StringComparison.Ordinal),
            });
        }

        private static SseScenario Text(string text, int inputTokens)
        {
            var scenario = UpstreamScenario.Transcript("text-template.sse").With("TEXT", text);
            return scenario with { Sse = scenario.Sse.Replace("\"input_tokens\":2400", $"\"input_tokens\":{inputTokens}", StringComparison.Ordinal) };
        }

        /// <summary>All text of the last user message in the Codex input.</summary>
        private static string LastUserText(RecordedRequest request)
        {
            var last = request.ItemsOfType("message").LastOrDefault(item => item.TryGetProperty("role", out var role) && role.ValueEquals("user"));
            if (last.ValueKind != JsonValueKind.Object || !last.TryGetProperty("content", out var content))
            {
                return "";
            }

            return content.ValueKind switch
            {
                JsonValueKind.String => content.GetString()!,
                JsonValueKind.Array => string.Join('\n', content.EnumerateArray()
                    .Where(part => part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    .Select(part => part.GetProperty("text").GetString())),
                _ => "",
            };
        }

        private static string Shorten(string text)
        {
            var flat = text.ReplaceLineEndings(" ");
            return flat.Length <= 160 ? flat : flat[..80] + " … " + flat[^80..];
        }
    }
}
