using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>
/// The official Codex CLI with the proxy as a custom model provider (<c>base_url = "http://127.0.0.1:…/v1"</c>,
/// <c>wire_api = "responses"</c>, <c>env_key</c>): plain http, no ChatGPT login on the CLI's side, and the turn reaches the
/// fake backend through <c>/v1/responses</c> with the proxy's own login.
/// </summary>
public sealed class CodexCliProviderTests
{
    private const int TimeoutMs = 240_000;
    private const string Marker = "proxy-provider-marker-4711";
    private const string FinalText = "The marker command ran.";
    private const string CallId = "call_provider_1";
    private const string CliKey = "codex-cli-key-for-the-proxy";

    [Fact(Timeout = TimeoutMs)]
    public async Task ToolTurn_RunsTheShellCommandThroughTheProxy()
    {
        var ct = TestContext.Current.CancellationToken;
        var launcher = await CodexCliInstallation.EnsureInstalledAsync(ct);
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ValidateRequests = false; // the CLI's items are ground truth; the proxy passes them through
        fake.Responder = request => HasMarkerOutput(request)
            ? CodexCliAnswers.Text($"resp_provider_{request.Number}", FinalText)
            : CodexCliAnswers.ExecCommand($"resp_provider_{request.Number}", CallId, $"echo {Marker}", codeMode: false);
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { Adjust = o => o with { ProxyApiKey = CliKey } }, ct);
        CodexCliResult? result = null;
        try
        {
            result = await CodexCliRunner.RunExecWithProviderAsync(launcher, new Uri(proxy.BaseAddress, "v1"), CliKey, "gpt-5.5", "Run the marker command, then report.", ct);

            Assert.True(result.ExitCode == 0, result.Diagnostics);
            Assert.Contains(FinalText, result.Stdout, StringComparison.Ordinal);
            Assert.Equal(2, fake.Requests.Count);
            Assert.True(HasMarkerOutput(fake.Requests[1]), result.Diagnostics);
            var call = Assert.Single(fake.Requests[1].ItemsOfType("function_call"));
            Assert.Equal(CallId, call.GetProperty("call_id").GetString());
            Assert.All(fake.Requests, request =>
            {
                Assert.Equal($"Bearer {proxy.AccessToken}", request.Header("Authorization"));
                Assert.False(request.Json!.Value.GetProperty("store").GetBoolean());
                Assert.NotEmpty(request.Json!.Value.GetProperty("tools").EnumerateArray());
            });
        }
        finally
        {
            CodexCliRunner.Delete(result);
        }
    }

    private static bool HasMarkerOutput(RecordedRequest request) =>
        request.ItemsOfType("function_call_output")
            .Any(item => item.TryGetProperty("output", out var output) && output.GetRawText().Contains(Marker, StringComparison.Ordinal));
}
