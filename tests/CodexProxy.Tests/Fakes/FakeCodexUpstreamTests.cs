using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace CodexProxy.Tests.Fakes;

/// <summary>The rig itself: the fake must refuse what the real backend refuses, or the end-to-end tests prove nothing.</summary>
public sealed class FakeCodexUpstreamTests
{
    /// <summary>Shared and never disposed: disposing a client aborts the response bodies it is still reading.</summary>
    private static readonly HttpClient Http = new();

    private const string ValidBody = """
        {"model":"gpt-5.5","instructions":"Be brief.","input":[
          {"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]},
          {"type":"function_call","name":"Bash","arguments":"{}","call_id":"call_1"},
          {"type":"function_call_output","call_id":"call_1","output":"ok"}],
         "tools":[{"type":"function","name":"Bash","parameters":{"type":"object","properties":{}}}],
         "store":false,"stream":true,"include":["reasoning.encrypted_content"]}
        """;

    [Fact]
    public async Task ValidRequest_GetsQueuedTranscriptWithUsageHeaders()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));

        using var response = await PostAsync(fake, ValidBody, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("12", response.Headers.GetValues("x-codex-primary-used-percent").Single());
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("event: response.completed", text, StringComparison.Ordinal);
        Assert.Empty(fake.Rejections);
        Assert.Equal("Bearer token", fake.Requests.Single().Header("authorization"));
    }

    [Theory]
    [InlineData("\"store\":false", "\"store\":true", "Store must be set to false")]
    [InlineData("\"stream\":true", "\"stream\":false", "Stream must be set to true")]
    [InlineData("\"instructions\":\"Be brief.\"", "\"instructions\":\"\"", "Instructions are not valid")]
    [InlineData("\"store\":false", "\"store\":false,\"max_output_tokens\":100", "Unsupported parameter: max_output_tokens")]
    [InlineData("\"store\":false", "\"store\":false,\"temperature\":0.5", "Unsupported parameter: temperature")]
    [InlineData("\"role\":\"user\"", "\"role\":\"system\"", "System messages are not allowed")]
    [InlineData("\"call_id\":\"call_1\",\"output\"", "\"call_id\":\"call_2\",\"output\"", "No tool call found for function call output with call_id call_2")]
    [InlineData(",\n  {\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"ok\"}", "", "No tool output found for function call call_1")]
    [InlineData("\"model\":\"gpt-5.5\"", "\"model\":\"gpt-6.1-sol\"", "requires the Responses-lite request format")]
    [InlineData("{\"type\":\"message\",\"role\":\"user\"", "{\"type\":\"additional_tools\",\"id\":\"at_1\",\"role\":\"developer\",\"tools\":[]},{\"type\":\"message\",\"role\":\"user\"", "requires the Responses-lite request format")]
    public async Task RequestTheBackendRejects_Gets400WithItsMessage(string find, string replace, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        var body = ValidBody.ReplaceLineEndings("\n");
        Assert.Contains(find, body, StringComparison.Ordinal);

        using var response = await PostAsync(fake, body.Replace(find, replace, StringComparison.Ordinal), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Single(fake.Rejections);
    }

    [Fact]
    public async Task InputAsString_IsRejectedAsNotAList()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);

        using var response = await PostAsync(fake, """{"model":"gpt-5.5","instructions":"x","input":"hi","store":false,"stream":true}""", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"detail":"Input must be a list"}""", await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task MissingBearerToken_Gets401()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        using var response = await Http.PostAsync(new Uri(fake.BaseUrl, "codex/responses"), new StringContent(ValidBody, Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"detail":"Unauthorized"}""", await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task CutScenario_AbortsTheConnectionMidStream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse") with { CutAfterEvents = 3 });

        using var response = await PostAsync(fake, ValidBody, ct);

        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task DynamicResponder_SeesTheRecordedRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = request => request.FunctionCallOutputTexts().Contains("ok")
            ? UpstreamScenario.Transcript("text-template.sse").With("TEXT", "saw ok")
            : UpstreamErrors.ServerError();

        using var response = await PostAsync(fake, ValidBody, ct);

        Assert.Contains("saw ok", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-6.1-sol", true, false, null)]
    [InlineData("gpt-6.1-sol", true, true, "Unsupported parameter: tools")]
    [InlineData("gpt-5.5", true, false, "does not support the Responses-lite request format")]
    [InlineData("gpt-5.5", false, true, null)]
    public async Task ResponsesLite_IsAcceptedExactlyWithTheHeader_AndWithoutTopLevelTools(string model, bool header, bool topLevelTools, string? expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        var declared = header ? """{"type":"additional_tools","id":"at_1","role":"developer","tools":[{"type":"namespace","name":"functions","description":"","tools":[]}]},""" : "";
        var tools = topLevelTools ? "\"tools\":[]," : "";
        var body = $$"""{"model":"{{model}}","stream":true,"input":[{{declared}}{"type":"message","id":"msg_1","role":"developer","content":[{"type":"input_text","text":"Be brief."}]}],{{tools}}"store":false}""";

        using var response = await PostAsync(fake, body, ct, header ? "true" : null);

        Assert.Equal(expected is null ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        if (expected is not null)
        {
            Assert.Contains(expected, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"type":"function","name":"Bash","parameters":{"type":"object"}}""", null)]
    [InlineData("""{"type":"function","name":"mcp.server tool","parameters":{"type":"object"}}""", "input[0].tools[0].tools[0].name")]
    [InlineData("""{"type":"function","name":"Bash"}""", "input[0].tools[0].tools[0].parameters")]
    public async Task ResponsesLite_ToolsInsideAdditionalTools_AreCheckedLikeTopLevelOnes(string tool, string? expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Enqueue(UpstreamScenario.Transcript("text-hello.sse"));
        var body = $$"""{"model":"gpt-6.1-sol","stream":true,"input":[{"type":"additional_tools","id":"at_1","role":"developer","tools":[{"type":"namespace","name":"functions","tools":[{{tool}}]}]},{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}],"store":false}""";

        using var response = await PostAsync(fake, body, ct, "true");

        Assert.Equal(expected is null ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        if (expected is not null)
        {
            Assert.Contains(expected, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TurnState_MustBeEchoedWithinItsTurn_AndNeverInAnother()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.TurnState = request => request.Header("x-codex-turn-state") ?? $"ts-{request.Number}";
        fake.Responder = _ => UpstreamScenario.Transcript("text-hello.sse");

        var statuses = new List<HttpStatusCode>();
        foreach (var (turn, echoed) in new (string, string?)[] { ("turn-a", null), ("turn-a", null), ("turn-a", "ts-9"), ("turn-a", "ts-1"), ("turn-b", "ts-1"), ("turn-b", null) })
        {
            var headers = new Dictionary<string, string> { ["x-codex-turn-metadata"] = $$"""{"turn_id":"{{turn}}"}""" };
            if (echoed is not null)
            {
                headers["x-codex-turn-state"] = echoed;
            }

            using var response = await PostAsync(fake, ValidBody, ct, extraHeaders: headers);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK], statuses);
        Assert.Contains("must echo", fake.Rejections[0].Error.Body, StringComparison.Ordinal);
        Assert.Contains("ts-1", fake.Rejections[0].Error.Body, StringComparison.Ordinal);
        Assert.Contains("does not belong to this turn", fake.Rejections[2].Error.Body, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(
        FakeCodexUpstream fake, string body, CancellationToken ct, string? liteHeader = null, IReadOnlyDictionary<string, string>? extraHeaders = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fake.BaseUrl, "codex/responses"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token");
        if (liteHeader is not null)
        {
            request.Headers.TryAddWithoutValidation(CodexRequestValidator.ResponsesLiteHeader, liteHeader);
        }

        foreach (var (name, value) in extraHeaders ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }
}
