using System.Collections.Concurrent;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// The real Claude Code 2.1.328, headless, through the proxy to the fake backend, using tool search: the model calls
/// ToolSearch for <c>select:CronList</c>, Claude Code answers with a <c>tool_reference</c> and adds CronList
/// (<c>defer_loading</c>) to its tools, the model calls CronList, then answers. Any 400 would make Claude Code turn tool
/// search off for the session, so the proxy must answer none.
/// </summary>
public sealed class ClaudeCodeToolSearchTests
{
    private const string Version = "2.1.328";
    private const string FinalText = "You have no scheduled jobs.";

    [Fact(Timeout = 15 * 60 * 1000)]
    public async Task ToolSearchThenDeferredTool_CompletesWithNo400_AndOffersOnlyLoadedTools()
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync(Version, ct);
        if (claude is null)
        {
            Assert.Skip("npm is not on PATH, so the pinned Claude Code CLI cannot be installed.");
        }

        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = Respond;
        var statuses = new ConcurrentQueue<(string Path, int Status)>();
        await using var proxy = await ProxyFixture.StartAsync(
            fake.BaseUrl,
            configure: builder => builder.Services.AddSingleton<IStartupFilter>(new StatusRecorder(statuses)),
            cancellationToken: ct);
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var start = ClaudeCodeTests.StartInfo(claude, proxy.BaseAddress, home.FullName, workDir.FullName, "List my scheduled cron jobs.", model: null);
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(start, TimeSpan.FromMinutes(2), ct);

            var diagnostics = $"exit {exitCode}\nproxy answers: {string.Join(", ", statuses.Select(s => $"{s.Path} {s.Status}"))}\n"
                + $"stdout:\n{stdout}\nstderr:\n{stderr}\nupstream rejections: {string.Join("; ", fake.Rejections.Select(r => r.Error.Body))}";
            Assert.DoesNotContain(statuses, s => s.Status == 400);
            var result = ClaudeCodeTests.ParseEvents(stdout).LastOrDefault(e => e.GetProperty("type").ValueEquals("result"));
            Assert.True(result.ValueKind == JsonValueKind.Object, "no result event\n" + diagnostics);
            Assert.False(result.GetProperty("is_error").GetBoolean(), diagnostics);
            Assert.Equal(FinalText, result.GetProperty("result").GetString());
            Assert.Equal(0, exitCode);
            Assert.Empty(fake.Rejections);

            var main = fake.Requests.Where(r => r.ToolNames.Contains("ToolSearch")).ToList();
            Assert.True(main.Count >= 3, diagnostics);
            Assert.DoesNotContain("CronList", main[0].ToolNames);
            Assert.Contains("CronList", main[1].ToolNames);
            Assert.Equal("CronList", main[1].ToolNames[^1]);
            Assert.Contains(main[1].FunctionCallOutputTexts(), text => text.Contains("Loaded tools: CronList", StringComparison.Ordinal));
            Assert.All(fake.Requests, r => Assert.DoesNotContain("DeferredToolPlaceholder", r.ToolNames));
            Assert.All(fake.Requests, r => Assert.DoesNotContain("Tool references removed", r.BodyText, StringComparison.Ordinal));
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }

    /// <summary>Main loop: ToolSearch first, then CronList once it is offered, then the answer. Side calls get "OK".</summary>
    private static SseScenario Respond(RecordedRequest request)
    {
        var calls = request.ItemsOfType("function_call").Select(c => c.GetProperty("name").GetString()).ToList();
        if (!request.ToolNames.Contains("ToolSearch"))
        {
            return UpstreamScenario.Transcript("text-template.sse").With("TEXT", "OK");
        }

        if (!calls.Contains("ToolSearch"))
        {
            return FunctionCall("ToolSearch", "call_toolsearch", """{\"query\":\"select:CronList\"}""");
        }

        return request.ToolNames.Contains("CronList") && !calls.Contains("CronList")
            ? FunctionCall("CronList", "call_cronlist", "{}")
            : UpstreamScenario.Transcript("text-template.sse").With("TEXT", FinalText);
    }

    private static SseScenario FunctionCall(string name, string callId, string escapedArguments) =>
        UpstreamScenario.Transcript("function-call-template.sse")
            .With("NAME", name)
            .With("CALL_ID", callId)
            .With("ARGUMENTS", escapedArguments);

    /// <summary>Records the status of every answer the proxy gives.</summary>
    private sealed class StatusRecorder(ConcurrentQueue<(string Path, int Status)> statuses) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext http, RequestDelegate inner) =>
            {
                await inner(http);
                statuses.Enqueue((http.Request.Path + http.Request.QueryString, http.Response.StatusCode));
            });
            next(app);
        };
    }
}
