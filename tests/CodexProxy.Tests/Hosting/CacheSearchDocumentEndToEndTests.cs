using System.Net;
using System.Text;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using CodexProxy.Translation;
using CodexProxy.Translation.Tokens;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Issue #4 end to end: the real proxy in front of the fake upstream replaying a golden transcript,
/// checking what it was sent (web search, PDFs, cached-token reporting, calibration, model churn).</summary>
public sealed class CacheSearchDocumentEndToEndTests : IAsyncLifetime
{
    private const string Catalogue = """{"models":[{"slug":"gpt-5.5","visibility":"list","context_window":272000},{"slug":"gpt-5.4-mini","visibility":"list"}]}""";

    private FakeCodexUpstream? _upstream;
    private ProxyFixture? _proxy;
    private string _transcript = "text.sse";

    private List<string> UpstreamBodies => [.. _upstream!.Requests.Select(static r => r.BodyText)];

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _upstream = await FakeCodexUpstream.StartAsync(ct);
        _upstream.Responder = _ => UpstreamScenario.Golden(_transcript);
        _proxy = await ProxyFixture.StartAsync(_upstream, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WebSearch_IsSentAsCodexTool_AndComesBackAsSearchBlocks(bool stream)
    {
        _transcript = "web-search.sse";
        var body = $$"""
            {"model":"gpt-5.5","stream":{{(stream ? "true" : "false")}},"max_tokens":1000,
             "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5}],
             "messages":[{"role":"user","content":"When was .NET 10 released?"}]}
            """;

        var answer = await PostAsync("/v1/messages?beta=true", body, "s-web");

        using var sent = JsonDocument.Parse(Assert.Single(UpstreamBodies));
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

        using var second = JsonDocument.Parse(UpstreamBodies[1]);
        var items = second.RootElement.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["developer", "user", "assistant", "user"], items.Select(i => i.GetProperty("role").GetString()));
        Assert.Contains(".NET 10 was released", items[2].GetRawText(), StringComparison.Ordinal);
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

        using var sent = JsonDocument.Parse(Assert.Single(UpstreamBodies));
        var parts = sent.RootElement.GetProperty("input")[1].GetProperty("content");
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
        var local = TokenCounter.Count(Tests.Translation.Request.MapperTestSupport.Map(Body, sessionId: "s-cal").Body, TestContext.Current.CancellationToken);

        var before = await PostAsync("/v1/messages/count_tokens", Body, "s-cal");
        await PostAsync("/v1/messages", Body, "s-cal");
        var after = await PostAsync("/v1/messages/count_tokens", Body, "s-cal");

        // The real 1520 input tokens dwarf the local count, so the ratio is clamped at its maximum.
        Assert.Equal($$"""{"input_tokens":{{local}}}""", before);
        Assert.Equal($$"""{"input_tokens":{{(int)(local * TokenCalibration.MaxRatio)}}}""", after);
    }

    [Fact]
    public async Task ModelMissingFromTheFetchedCatalogue_IsForwarded_AndTheBackendsRefusalIs400ListingUsableModels()
    {
        _upstream!.ModelsCatalogue = Catalogue;
        _upstream.Enqueue(UpstreamErrors.BadRequest("The 'gpt-9-turbo' model is not supported when using Codex with a ChatGPT account."));
        var ct = TestContext.Current.CancellationToken;
        using var models = await _proxy!.Client.GetAsync(new Uri("/v1/models", UriKind.Relative), ct);

        using var response = await _proxy.Client.PostAsync(
            new Uri("/v1/messages", UriKind.Relative),
            new StringContent("""{"model":"gpt-9-turbo","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("invalid_request_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(
            "model: The 'gpt-9-turbo' model is not supported when using Codex with a ChatGPT account. Models this account can use: gpt-5.5, gpt-5.4-mini.",
            error.RootElement.GetProperty("error").GetProperty("message").GetString());
        using var sent = JsonDocument.Parse(Assert.Single(UpstreamBodies));
        Assert.Equal("gpt-9-turbo", sent.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ClaudeDefault_ResolvesAgainstTheLiveCatalogue_FollowingItsUpgrade()
    {
        _upstream!.ModelsCatalogue = """
            {"models":[{"slug":"gpt-6.1-sol","visibility":"list","priority":1,"upgrade":{"model":"gpt-7-sol"}},
                       {"slug":"gpt-7-sol","visibility":"list","priority":2}]}
            """;

        await PostAsync("/v1/messages", """{"model":"claude-sonnet-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", "s-upgrade");

        using var sent = JsonDocument.Parse(Assert.Single(UpstreamBodies));
        Assert.Equal("gpt-7-sol", sent.RootElement.GetProperty("model").GetString());
    }

    private async Task<string> PostAsync(string path, string body, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Claude-Code-Session-Id", session);
        using var response = await _proxy!.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }
}
