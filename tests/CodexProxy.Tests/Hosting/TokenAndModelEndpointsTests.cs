using System.Net;
using System.Text;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>count_tokens and the model list through the real app; the catalogue is unreachable here, so the built-in
/// table answers.</summary>
public sealed class TokenAndModelEndpointsTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public async ValueTask InitializeAsync()
    {
        var options = new ProxyOptions
        {
            Port = 0,
            CodexBaseUrl = new Uri("http://127.0.0.1:9/backend-api"),
            Home = Path.Combine(Path.GetTempPath(), $"cxp-test-{Guid.NewGuid():N}"),
        };
        _app = ProxyApp.Create(options, builder => builder.Services.AddSingleton<ICodexCredentials>(new NoLogin()));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(TestContext.Current.CancellationToken);
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task CountTokens_AnswersTheLocalCount_WithBetaQuery()
    {
        const string Body = """{"model":"claude-opus-4-8","messages":[{"role":"user","content":"Hello, world!"}],"tools":[]}""";

        using var response = await PostAsync("/v1/messages/count_tokens?beta=true", Body, session: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = TokenCounter.Count(RequestMapper.ToCodexRequest(
            Tests.Translation.MapperTestSupport.Parse(Body), new RequestContext(null, new ModelMappingOptions())).Body);
        Assert.Equal($$"""{"input_tokens":{{expected}}}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CountTokens_AppliesTheSessionsCalibration()
    {
        const string Body = """{"model":"gpt-5.5","system":"You are Claude Code.","messages":[{"role":"user","content":"Summarise the repository layout."}]}""";
        var sent = Tests.Translation.MapperTestSupport.Map(Body, sessionId: "sess-9").Body;
        var local = TokenCounter.Count(sent);
        _app!.Services.GetRequiredService<TokenCalibration>().Record(sent, local * 3 / 2);

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
    public async Task Models_ListsClaudeAliasesAndFallbackModels_InAnthropicFormat()
    {
        using var document = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/v1/models?limit=1000", UriKind.Relative), TestContext.Current.CancellationToken));
        var root = document.RootElement;
        var data = root.GetProperty("data").EnumerateArray().ToList();

        Assert.False(root.GetProperty("has_more").GetBoolean());
        Assert.Equal("claude-opus-4-8", root.GetProperty("first_id").GetString());
        Assert.Equal(data[^1].GetProperty("id").GetString(), root.GetProperty("last_id").GetString());
        var opus = data[0];
        Assert.Equal("model", opus.GetProperty("type").GetString());
        Assert.Equal("gpt-5.5", opus.GetProperty("maps_to").GetString());
        Assert.Equal(272_000, opus.GetProperty("max_input_tokens").GetInt32());
        Assert.Contains(data, m => m.GetProperty("id").GetString() == "gpt-5.4-mini");
        Assert.All(data, m => Assert.True(m.TryGetProperty("created_at", out _) && m.TryGetProperty("display_name", out _)));
    }

    [Fact]
    public async Task Models_Paginates_WithLimitAndAfterId()
    {
        using var first = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/v1/models?limit=2", UriKind.Relative), TestContext.Current.CancellationToken));
        var lastId = first.RootElement.GetProperty("last_id").GetString();
        using var second = JsonDocument.Parse(await _client.GetStringAsync(new Uri($"/v1/models?limit=2&after_id={lastId}", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.True(first.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal(2, first.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal("claude-fable-5", second.RootElement.GetProperty("first_id").GetString());
    }

    [Fact]
    public async Task ModelById_ResolvesAnyClaudeName_And404sUnknownOnes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dated = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/v1/models/claude-haiku-4-5", UriKind.Relative), ct));
        using var missing = await _client.GetAsync(new Uri("/v1/models/llama-3", UriKind.Relative), ct);

        Assert.Equal("gpt-5.4-mini", dated.RootElement.GetProperty("maps_to").GetString());
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

        return await _client!.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<int> InputTokensAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement.GetProperty("input_tokens").GetInt32();
    }

    private sealed class NoLogin : ICodexCredentials
    {
        public bool HasLogin => false;

        public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken) => throw NotLoggedInException.NoTokens();

        public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
            throw NotLoggedInException.NoTokens();
    }
}
