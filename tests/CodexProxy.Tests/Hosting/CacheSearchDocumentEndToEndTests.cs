using System.Net;
using System.Text;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Issue #4 end to end: the real proxy in front of a small scripted upstream that replays a transcript and
/// records what it was sent (web search, PDFs, cached-token reporting, calibration, the model check).</summary>
public sealed class CacheSearchDocumentEndToEndTests : IAsyncLifetime
{
    private const string Catalogue = """{"models":[{"slug":"gpt-5.5","visibility":"list","context_window":272000},{"slug":"gpt-5.4-mini","visibility":"list"}]}""";

    private readonly List<string> _upstreamBodies = [];
    private WebApplication? _upstream;
    private WebApplication? _proxy;
    private HttpClient? _client;
    private string _transcript = "text.sse";
    private bool _serveCatalogue;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        _upstream.MapPost("/backend-api/codex/responses", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            _upstreamBodies.Add(await reader.ReadToEndAsync(http.RequestAborted));
            http.Response.ContentType = "text/event-stream";
            await http.Response.SendFileAsync(Path.Combine(AppContext.BaseDirectory, "Transcripts", _transcript), http.RequestAborted);
        });
        _upstream.MapGet("/backend-api/codex/models", () => _serveCatalogue ? Results.Text(Catalogue, "application/json") : Results.NotFound());
        await _upstream.StartAsync(ct);

        var options = new ProxyOptions
        {
            Port = 0,
            CodexBaseUrl = new Uri(Address(_upstream) + "backend-api"),
            Home = Path.Combine(Path.GetTempPath(), $"cxp-test-{Guid.NewGuid():N}"),
        };
        _proxy = ProxyApp.Create(options, b => b.Services.AddSingleton<ICodexCredentials>(new FixedLogin()));
        await _proxy.StartAsync(ct);
        _client = new HttpClient { BaseAddress = new Uri(Address(_proxy)) };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        foreach (var app in new[] { _proxy, _upstream })
        {
            if (app is not null)
            {
                await app.StopAsync(TestContext.Current.CancellationToken);
                await app.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WebSearch_IsSentAsCodexTool_AndComesBackAsSearchBlocks(bool stream)
    {
        _transcript = "web-search.sse";
        var body = $$"""
            {"model":"claude-sonnet-5","stream":{{(stream ? "true" : "false")}},"max_tokens":1000,
             "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5}],
             "messages":[{"role":"user","content":"When was .NET 10 released?"}]}
            """;

        var answer = await PostAsync("/v1/messages?beta=true", body, "s-web");

        using var sent = JsonDocument.Parse(Assert.Single(_upstreamBodies));
        Assert.Equal("web_search", sent.RootElement.GetProperty("tools")[0].GetProperty("type").GetString());
        Assert.Contains("\"type\":\"server_tool_use\"", answer, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"web_search_tool_result\"", answer, StringComparison.Ordinal);
        Assert.Contains(".NET 10 release date", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchBlocksInHistory_AreAccepted_OnTheNextTurn()
    {
        _transcript = "web-search.sse";
        const string Tools = """[{"type":"web_search_20250305","name":"web_search"}]""";
        var first = await PostAsync("/v1/messages", $$"""{"model":"gpt-5.5","max_tokens":100,"tools":{{Tools}},"messages":[{"role":"user","content":"When was .NET 10 released?"}]}""", "s-web2");
        using var answer = JsonDocument.Parse(first);
        var assistantContent = answer.RootElement.GetProperty("content").GetRawText();

        _transcript = "text.sse";
        await PostAsync("/v1/messages", $$"""
            {"model":"gpt-5.5","max_tokens":100,"tools":{{Tools}},"messages":[
              {"role":"user","content":"When was .NET 10 released?"},
              {"role":"assistant","content":{{assistantContent}}},
              {"role":"user","content":"And .NET 11?"}]}
            """, "s-web2");

        using var second = JsonDocument.Parse(_upstreamBodies[1]);
        var items = second.RootElement.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user"], items.Select(i => i.GetProperty("role").GetString()));
        Assert.Contains(".NET 10 was released", items[1].GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Base64Pdf_IsSentAsInputFile_AndPlainTextDocumentAsText()
    {
        var pdf = Convert.ToBase64String("%PDF-1.4\n1 0 obj <</Type /Page>> endobj\n"u8.ToArray());
        var body = $$$"""
            {"model":"gpt-5.5","max_tokens":1000,"messages":[{"role":"user","content":[
              {"type":"document","title":"spec.pdf","source":{"type":"base64","media_type":"application/pdf","data":"{{{pdf}}}"}},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain notes"}},
              {"type":"text","text":"Summarise both."}]}]}
            """;

        await PostAsync("/v1/messages", body, "s-pdf");

        using var sent = JsonDocument.Parse(Assert.Single(_upstreamBodies));
        var parts = sent.RootElement.GetProperty("input")[0].GetProperty("content");
        Assert.Equal("input_file", parts[0].GetProperty("type").GetString());
        Assert.Equal("spec.pdf", parts[0].GetProperty("filename").GetString());
        Assert.Equal($"data:application/pdf;base64,{pdf}", parts[0].GetProperty("file_data").GetString());
        Assert.Equal("plain notes", parts[1].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CachedTokens_AreReportedAsCacheRead(bool stream)
    {
        var body = $$"""{"model":"gpt-5.5","stream":{{(stream ? "true" : "false")}},"max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""";

        var answer = await PostAsync("/v1/messages", body, "s-cache");

        // text.sse: input_tokens 1520 of which cached_tokens 1024.
        var usageJson = stream ? answer.Split('\n').Last(l => l.Contains("message_delta", StringComparison.Ordinal))["data: ".Length..] : answer;
        using var document = JsonDocument.Parse(usageJson);
        var usage = document.RootElement.GetProperty("usage");
        Assert.Equal(1024, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(496, usage.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task RealUsage_CalibratesLaterCountsOfTheSession()
    {
        const string Body = """{"model":"gpt-5.5","max_tokens":100,"system":"You are Claude Code.","messages":[{"role":"user","content":"Describe the repository layout in detail."}]}""";
        var local = TokenCounter.Count(Tests.Translation.MapperTestSupport.Map(Body, sessionId: "s-cal").Body);

        var before = await PostAsync("/v1/messages/count_tokens", Body, "s-cal");
        await PostAsync("/v1/messages", Body, "s-cal");
        var after = await PostAsync("/v1/messages/count_tokens", Body, "s-cal");

        // The real 1520 input tokens dwarf the local count, so the ratio is clamped at its maximum.
        Assert.Equal($$"""{"input_tokens":{{local}}}""", before);
        Assert.Equal($$"""{"input_tokens":{{(int)(local * TokenCalibration.MaxRatio)}}}""", after);
    }

    [Fact]
    public async Task ModelMissingFromTheFetchedCatalogue_Is400ListingUsableModels_BeforeAnythingIsSent()
    {
        _serveCatalogue = true;
        var ct = TestContext.Current.CancellationToken;
        using var models = await _client!.GetAsync(new Uri("/v1/models", UriKind.Relative), ct);

        using var response = await _client.PostAsync(
            new Uri("/v1/messages", UriKind.Relative),
            new StringContent("""{"model":"gpt-9-turbo","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("invalid_request_error", error, StringComparison.Ordinal);
        Assert.Contains("Models this account can use: gpt-5.5, gpt-5.4-mini.", error, StringComparison.Ordinal);
        Assert.Empty(_upstreamBodies);
    }

    private async Task<string> PostAsync(string path, string body, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Claude-Code-Session-Id", session);
        using var response = await _client!.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

    private sealed class FixedLogin : ICodexCredentials
    {
        public bool HasLogin => true;

        public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken) => new(new CodexCredential("e30.e30.sig", "acct-1"));

        public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
            GetAsync(cancellationToken);
    }
}
