using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>The OpenAI endpoints share the key check, body limit, error classification and model listing with the
/// Anthropic one; only the rendering differs, decided by path and headers.</summary>
public sealed class OpenAIEdgeTests
{
    private const string ChatBody = """{"model":"gpt-5.5","messages":[{"role":"user","content":"Hi"}],"stream":true}""";

    [Fact]
    public async Task Models_BearerWithoutAnthropicVersion_GetsOpenAIsListShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "any-key");

        using var response = await proxy.Client.SendAsync(request, ct);

        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Equal("list", root.GetProperty("object").GetString());
        var models = root.GetProperty("data").EnumerateArray().ToList();
        Assert.NotEmpty(models);
        Assert.All(models, m =>
        {
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.Equal(JsonValueKind.Number, m.GetProperty("created").ValueKind);
            Assert.Equal("openai", m.GetProperty("owned_by").GetString());
            Assert.False(m.GetProperty("id").GetString()!.StartsWith("claude", StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData("anthropic-version", "2023-06-01")]
    [InlineData("x-api-key", "any-key")]
    public async Task Models_AnthropicHeaders_KeepAnthropicsListShape(string header, string value)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "any-key");
        request.Headers.Add(header, value);

        using var response = await proxy.Client.SendAsync(request, ct);

        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.True(root.TryGetProperty("has_more", out _));
        Assert.Equal("model", root.GetProperty("data")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task WrongProxyKey_Is401InvalidApiKey_InOpenAIsShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { Adjust = o => o with { ProxyApiKey = "right-key" } }, ct);

        using var response = await PostAsync(proxy, "/v1/chat/completions", ChatBody, "wrong-key", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await ErrorAsync(response, ct);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task RightProxyKey_IsServed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { Adjust = o => o with { ProxyApiKey = "right-key" } }, ct);

        using var response = await PostAsync(proxy, "/v1/responses", """{"model":"gpt-5.5","input":"Hi"}""", "right-key", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task FailureAfterTheStreamStarted_IsAnErrorEvent_WithoutDone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-then-failed.sse"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, "/v1/chat/completions", ChatBody, "any-key", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sse = await response.Content.ReadAsStringAsync(ct);
        var last = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("data: {\"error\":", last, StringComparison.Ordinal);
        Assert.Equal("server_is_overloaded", JsonDocument.Parse(last["data: ".Length..]).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("[DONE]", sse, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"gpt-5.5","messages":[{"role":"user","content":"Hi"}],"n":2}""", "n")]
    [InlineData("/v1/chat/completions", """{"model":"gpt-5.5","messages":[{"role":"robot","content":"Hi"}]}""", "messages[0].role")]
    [InlineData("/v1/responses", """{"model":"gpt-5.5","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0]")]
    [InlineData("/v1/responses", """{"model":"gpt-5.5","input":"Hi","background":true}""", "background")]
    public async Task BadRequest_Is400NamingTheParameter(string path, string body, string param)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, path, body, "any-key", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response, ct);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task MalformedJson_Is400InOpenAIsShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, "/v1/chat/completions", """{"model":"gpt-5.5","messages":[""", "any-key", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await ErrorAsync(response, ct)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413RequestTooLarge_InOpenAIsShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { Adjust = o => o with { MaxRequestBodyBytes = 1024 } }, ct);
        var body = $$"""{"model":"gpt-5.5","messages":[{"role":"user","content":"{{new string('x', 4096)}}"}]}""";

        using var response = await PostAsync(proxy, "/v1/chat/completions", body, "any-key", ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await ErrorAsync(response, ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownPath_FromAnOpenAIClient_Is404InOpenAIsShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await PostAsync(proxy, "/v1/embeddings", """{"model":"x","input":"Hi"}""", "any-key", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await ErrorAsync(response, ct)).GetProperty("code").GetString());
    }

    private static async Task<HttpResponseMessage> PostAsync(ProxyFixture proxy, string path, string body, string key, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await proxy.Client.SendAsync(request, ct);
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Equal("error", Assert.Single(root.EnumerateObject()).Name);
        var error = root.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.True(error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _));
        return error;
    }
}
