using System.Text.Json.Nodes;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>
/// The official Codex CLI (pinned in <c>tests/codex-cli</c>) runs <c>codex exec</c> headless and offline against
/// <see cref="FakeCodexUpstream"/> over HTTPS (see <see cref="CodexCliRunner"/>), for a classic model (gpt-5.5) and a
/// Responses-lite model (gpt-6.1-sol). Its requests are compared with the golden captures in <c>Codex/CodexCliGolden</c>
/// so moving the pin shows what the CLI now sends; <c>scripts/capture-codex-cli.sh</c> regenerates them.
/// </summary>
public sealed class CodexCliCaptureTests
{
    private const int TimeoutMs = 6 * 60 * 1000;
    private const string FinalText = "CODEX_CLI_FINAL_TEXT";
    private const string Marker = "CODEX_CLI_MARKER_42";
    private const string CallId = "call_codex_cli_1";

    public static TheoryData<string> Models => new() { "gpt-5.5", "gpt-6.1-sol" };

    [Theory(Timeout = TimeoutMs)]
    [MemberData(nameof(Models))]
    public async Task PlainTurn_PrintsTextAndMatchesGolden(string model)
    {
        var run = await RunAsync(model, "Say hello.", request => CodexCliAnswers.Text(ResponseId(request), FinalText));
        try
        {
            Assert.Single(run.Responses);
            Assert.NotEmpty(run.WebSocketAttempts);
            Assert.Equal("websocket", run.WebSocketAttempts[0].Header("Upgrade"), ignoreCase: true);
            Verify("plain", model, run, includeWebSocket: true);
        }
        finally
        {
            CodexCliRunner.Delete(run.Result);
        }
    }

    [Theory(Timeout = TimeoutMs)]
    [MemberData(nameof(Models))]
    public async Task ToolRoundTrip_RunsShellCommandAndSendsItsOutput(string model)
    {
        var (callType, _) = CallItemTypes(model);
        var run = await RunAsync(model, "Run the marker command, then report.", request => HasMarkerOutput(request)
            ? CodexCliAnswers.Text(ResponseId(request), FinalText)
            : CodexCliAnswers.ExecCommand(ResponseId(request), CallId, $"echo {Marker}", codeMode: IsLite(model)));
        try
        {
            Assert.Equal(2, run.Responses.Count);
            Assert.False(HasMarkerOutput(run.Responses[0]), run.Result.Diagnostics);
            Assert.True(HasMarkerOutput(run.Responses[1]), "the follow-up request carries no tool output with the marker\n" + run.Result.Diagnostics);
            var call = Assert.Single(run.Responses[1].ItemsOfType(callType));
            Assert.Equal(CallId, call.GetProperty("call_id").GetString());
            Verify("tool", model, run);
        }
        finally
        {
            CodexCliRunner.Delete(run.Result);
        }
    }

    [Theory(Timeout = TimeoutMs)]
    [MemberData(nameof(Models))]
    public async Task ReasoningReplay_SendsEncryptedReasoningBackWithTheToolOutput(string model)
    {
        var (callType, outputType) = CallItemTypes(model);
        var run = await RunAsync(model, "Think, run the marker command, then report.", request => HasMarkerOutput(request)
            ? CodexCliAnswers.Text(ResponseId(request), FinalText)
            : CodexCliAnswers.ExecCommand(ResponseId(request), CallId, $"echo {Marker}", codeMode: IsLite(model), withReasoning: true));
        try
        {
            Assert.Equal(2, run.Responses.Count);
            Assert.True(HasMarkerOutput(run.Responses[1]), run.Result.Diagnostics);
            var reasoning = Assert.Single(run.Responses[1].ItemsOfType("reasoning"));
            Assert.Equal(CodexCliAnswers.EncryptedReasoning, reasoning.GetProperty("encrypted_content").GetString());
            var types = run.Responses[1].InputItems.Select(item => item.GetProperty("type").GetString()).ToList();
            Assert.True(
                types.IndexOf("reasoning") >= 0 && types.IndexOf("reasoning") < types.IndexOf(callType) && types.IndexOf(callType) < types.IndexOf(outputType),
                $"reasoning, {callType} and {outputType} are not replayed in order: " + string.Join(", ", types));
            Verify("reasoning", model, run);
        }
        finally
        {
            CodexCliRunner.Delete(run.Result);
        }
    }

    /// <summary>The WebSocket transport (the CLI's first choice): the fake accepts the upgrade, so the turn travels as
    /// <c>response.create</c> frames instead of POSTs, each resolved against the socket's history by the fake. The
    /// proxy's own frames and handshake are compared with these captures in <c>CodexWebSocketEndToEndTests</c>.</summary>
    [Theory(Timeout = TimeoutMs)]
    [MemberData(nameof(Models))]
    public async Task WebSocketToolRoundTrip_SendsResponseCreateFrames(string model)
    {
        var run = await RunAsync(
            model,
            "Run the marker command, then report.",
            request => HasMarkerOutput(request)
                ? CodexCliAnswers.Text(ResponseId(request), FinalText)
                : CodexCliAnswers.ExecCommand(ResponseId(request), CallId, $"echo {Marker}", codeMode: IsLite(model)),
            webSocket: true);
        try
        {
            Assert.Empty(run.Responses);
            Assert.NotEmpty(run.WebSocketFrames);
            Assert.All(run.WebSocketFrames, frame => Assert.Equal("response.create", frame.Json?.GetProperty("type").GetString()));
            Assert.Contains(run.WebSocketFrames, HasMarkerOutput);
            var normalizer = new CodexCliGoldenNormalizer(run.Result.CodexHome, run.Result.WorkDir);
            var handshake = normalizer.Normalize(run.WebSocketAttempts[0]);
            CodexCliGoldenFiles.Verify($"ws-tool-{model}", [.. run.WebSocketFrames.Select(normalizer.Normalize)], "ws-handshake", handshake);
        }
        finally
        {
            CodexCliRunner.Delete(run.Result);
        }
    }

    private static string ResponseId(RecordedRequest request) => $"resp_cli_{request.Number}";

    /// <summary>Responses-lite models use code mode: the shell runs inside the <c>exec</c> custom tool.</summary>
    private static bool IsLite(string model) =>
        JsonNode.Parse(File.ReadAllText(CodexCliCatalogue.FixturePath))!["models"]!.AsArray()
            .Single(entry => entry!["slug"]!.GetValue<string>() == model)!["use_responses_lite"]!.GetValue<bool>();

    private static (string Call, string Output) CallItemTypes(string model) =>
        IsLite(model) ? ("custom_tool_call", "custom_tool_call_output") : ("function_call", "function_call_output");

    /// <summary>Whether a tool output (function or custom, string or content parts) carries the marker.</summary>
    private static bool HasMarkerOutput(RecordedRequest request) =>
        request.ItemsOfType("function_call_output").Concat(request.ItemsOfType("custom_tool_call_output"))
            .Any(item => item.TryGetProperty("output", out var output) && output.GetRawText().Contains(Marker, StringComparison.Ordinal));

    private sealed record Run(
        CodexCliResult Result,
        IReadOnlyList<RecordedRequest> Responses,
        IReadOnlyList<RecordedRequest> WebSocketAttempts,
        IReadOnlyList<RecordedRequest> WebSocketFrames);

    private static async Task<Run> RunAsync(
        string model, string prompt, Func<RecordedRequest, UpstreamScenario> responder, bool webSocket = false)
    {
        var ct = TestContext.Current.CancellationToken;
        var launcher = await CodexCliInstallation.EnsureInstalledAsync(ct);
        using var certificates = ThrowawayCertificates.Create();
        await using var fake = await FakeCodexUpstream.StartAsync(ct, certificates.Server);
        // Validation stays on: the fake must accept everything the CLI sends (the CLI is ground truth).
        fake.ModelsCatalogue = await File.ReadAllTextAsync(CodexCliCatalogue.FixturePath, ct);
        fake.Responder = responder;
        fake.AcceptWebSockets = webSocket;
        var caPath = Path.Combine(Path.GetTempPath(), $"codex-cli-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caPath, certificates.AuthorityPem, ct);
        try
        {
            var result = await CodexCliRunner.RunExecAsync(launcher, fake, caPath, model, prompt, ct);
            var responses = fake.Requests;
            var diagnostics = result.Diagnostics + "\nbackend calls: " + string.Join(", ", fake.BackendCalls.Select(c => $"{c.Method} {c.Path}"));
            Assert.True(result.ExitCode == 0, diagnostics);
            Assert.True(fake.Rejections.Count == 0, "the fake refused a CLI request: " + string.Join("; ", fake.Rejections.Select(r => r.Error.Body)));
            Assert.Contains(FinalText, result.Stdout, StringComparison.Ordinal);
            Assert.All(responses, request => Assert.Equal(model, request.Json?.GetProperty("model").GetString()));
            Assert.Contains(fake.BackendCalls, call => call.Path.StartsWith("/backend-api/wham/accounts/check", StringComparison.Ordinal));
            return new Run(result, responses, fake.WebSocketAttempts, fake.WebSocketFrames);
        }
        finally
        {
            File.Delete(caPath);
        }
    }

    private static void Verify(string scenario, string model, Run run, bool includeWebSocket = false)
    {
        var normalizer = new CodexCliGoldenNormalizer(run.Result.CodexHome, run.Result.WorkDir);
        var captures = run.Responses.Select(normalizer.Normalize).ToList();
        var handshake = includeWebSocket ? normalizer.Normalize(run.WebSocketAttempts[0]) : null;
        CodexCliGoldenFiles.Verify($"{scenario}-{model}", captures, includeWebSocket ? "ws-handshake" : null, handshake);
    }
}
