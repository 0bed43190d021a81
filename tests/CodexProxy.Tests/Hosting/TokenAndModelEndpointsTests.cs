using System.Net;
using System.Text;
using System.Text.Json;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Tests.Fakes;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using CodexProxy.Translation.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>count_tokens and the model list through the real app; the catalogue is unreachable here, so the built-in
/// table answers.</summary>
public sealed class TokenAndModelEndpointsTests : IAsyncLifetime
{
    private ProxyFixture? _proxy;

    private HttpClient Client => _proxy!.Client;

    public async ValueTask InitializeAsync() =>
        _proxy = await ProxyFixture.StartAsync(ProxyFixture.UnreachableUrl(), loggedIn: false, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task CountTokens_AnswersTheLocalCount_WithBetaQuery()
    {
        const string Body = """{"model":"claude-opus-4-8","messages":[{"role":"user","content":"Hello, world!"}],"tools":[]}""";

        using var response = await PostAsync("/v1/messages/count_tokens?beta=true", Body, session: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = TokenCounter.Count(RequestMapper.ToCodexRequest(
            Tests.Translation.Request.MapperTestSupport.Parse(Body), new RequestContext(null, new ModelMappingOptions())).Body, TestContext.Current.CancellationToken);
        Assert.Equal($$"""{"input_tokens":{{expected}}}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CountTokens_AppliesTheSessionsCalibration()
    {
        const string Body = """{"model":"gpt-5.5","system":"You are Claude Code.","messages":[{"role":"user","content":"Summarise the repository layout."}]}""";
        var sent = Tests.Translation.Request.MapperTestSupport.Map(Body, sessionId: "sess-9").Body;
        var local = TokenCounter.Count(sent, TestContext.Current.CancellationToken);
        // Claude Code asks for a count before the session's first answer: from then on the session is calibrated.
        using var first = await PostAsync("/v1/messages/count_tokens", Body, session: "sess-9");
        Assert.Equal(local, await InputTokensAsync(first));
        _proxy!.Services.GetRequiredService<TokenCalibration>().Record(sent, local * 3 / 2);

        using var calibrated = await PostAsync("/v1/messages/count_tokens", Body, session: "sess-9");
        using var other = await PostAsync("/v1/messages/count_tokens", Body, session: "sess-other");

        Assert.Equal(local * 3 / 2, await InputTokensAsync(calibrated));
        Assert.Equal(local, await InputTokensAsync(other));
    }

    [Fact]
    public async Task CountTokens_InvalidRequest_Is400()
    {
        using var response = await PostAsync("/v1/messages/count_tokens", """{"model":"gpt-5.5","messages":[]}""", session: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request_error", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListsClaudeAliasesAndBuiltInModels_InAnthropicFormat()
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync(new Uri("/v1/models?limit=1000", UriKind.Relative), TestContext.Current.CancellationToken));
        var root = document.RootElement;
        var data = root.GetProperty("data").EnumerateArray().ToList();

        Assert.False(root.GetProperty("has_more").GetBoolean());
        Assert.Equal("claude-opus-5-5", root.GetProperty("first_id").GetString());
        Assert.Equal(data[^1].GetProperty("id").GetString(), root.GetProperty("last_id").GetString());
        var opus = data[0];
        Assert.Equal("model", opus.GetProperty("type").GetString());
        Assert.Equal("gpt-6-astra", opus.GetProperty("maps_to").GetString());
        Assert.Equal(272_000, opus.GetProperty("max_input_tokens").GetInt32());
        Assert.Contains(data, m => m.GetProperty("id").GetString() == "gpt-6-luna");
        Assert.Contains(data, m => m.GetProperty("id").GetString() == "gpt-6.1-terra" && m.GetProperty("max_input_tokens").GetInt32() == 500_000);
        Assert.All(data, m => Assert.True(m.TryGetProperty("created_at", out _) && m.TryGetProperty("display_name", out _)));
    }

    [Fact]
    public async Task Models_Paginates_WithLimitAndAfterId()
    {
        using var first = JsonDocument.Parse(await Client.GetStringAsync(new Uri("/v1/models?limit=2", UriKind.Relative), TestContext.Current.CancellationToken));
        var lastId = first.RootElement.GetProperty("last_id").GetString();
        using var second = JsonDocument.Parse(await Client.GetStringAsync(new Uri($"/v1/models?limit=2&after_id={lastId}", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.True(first.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal(2, first.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal("claude-haiku-5-5", second.RootElement.GetProperty("first_id").GetString());
    }

    [Fact]
    public async Task ModelById_ResolvesAnyClaudeName_And404sUnknownOnes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dated = JsonDocument.Parse(await Client.GetStringAsync(new Uri("/v1/models/claude-haiku-4-5", UriKind.Relative), ct));
        using var missing = await Client.GetAsync(new Uri("/v1/models/llama-3", UriKind.Relative), ct);

        Assert.Equal("gpt-6-luna", dated.RootElement.GetProperty("maps_to").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("not_found_error", await missing.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string? session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (session is not null)
        {
            request.Headers.Add("X-Claude-Code-Session-Id", session);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<int> InputTokensAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement.GetProperty("input_tokens").GetInt32();
    }
}
