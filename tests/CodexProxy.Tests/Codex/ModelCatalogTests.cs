using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>The catalogue against <see cref="FakeCodexUpstream"/>'s <c>GET /codex/models</c>, with a fake clock for its
/// freshness and fetch timeout.</summary>
public sealed class ModelCatalogTests : IAsyncLifetime
{
    private const string CatalogJson = """
        {"models":[
          {"slug":"gpt-6.1-sol","display_name":"GPT-6.1-Sol","visibility":"list","priority":1,"context_window":272000,
           "available_in_plans":["free","plus","pro"],"use_responses_lite":true,"default_reasoning_level":"low",
           "supported_reasoning_levels":[{"effort":"low","description":"Fast"},{"effort":"max","description":"Max"}],
           "default_verbosity":"low","support_verbosity":true,"supports_parallel_tool_calls":true,"unmodelled_field":{"x":1}},
          {"slug":"gpt-5.5","display_name":"GPT-5.5","visibility":"list","priority":13,"context_window":272000,
           "available_in_plans":["free","plus","pro"],"upgrade":{"model":"gpt-6.1-sol","migration_markdown":"Meet it"}},
          {"slug":"gpt-5.3-codex-spark","display_name":"Spark","visibility":"list","context_window":128000,"available_in_plans":["pro"]},
          {"slug":"codex-auto-review","visibility":"hide","context_window":272000}]}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private FakeCodexUpstream _upstream = null!;
    private (int Status, string Body, string? ETag) _answer;

    [Fact]
    public async Task LiveCatalogue_IsFetchedWithCredentials_AndParsed()
    {
        Respond(HttpStatusCode.OK, CatalogJson, etag: "\"v1\"");
        using var catalog = NewCatalog();

        var snapshot = await catalog.GetAsync(TestContext.Current.CancellationToken);

        Assert.True(snapshot.Live);
        Assert.Equal("live", snapshot.Source);
        Assert.Equal(["gpt-6.1-sol", "gpt-5.5", "gpt-5.3-codex-spark", "codex-auto-review"], snapshot.Models.Select(m => m.Slug));
        Assert.Equal(128_000, snapshot.Find("gpt-5.3-codex-spark")!.ContextWindow);
        Assert.False(snapshot.Find("codex-auto-review")!.Listed);
        var lite = snapshot.Find("gpt-6.1-sol")!;
        Assert.Equal((true, "low", "low", true, true, 1), (lite.UsesResponsesLite, lite.DefaultEffort, lite.DefaultVerbosity, lite.SupportsVerbosity, lite.SupportsParallelToolCalls, lite.Priority));
        Assert.Equal(["low", "max"], lite.SupportedEfforts.Select(l => l.Effort));
        Assert.Equal("gpt-6.1-sol", snapshot.Find("gpt-5.5")!.Upgrade?.Model);
        Assert.False(snapshot.Find("gpt-5.5")!.UsesResponsesLite);
        var request = Assert.Single(_upstream.ModelsRequests);
        Assert.Equal("/codex/models?client_version=0.169.0", request.Path);
        Assert.Equal(CodexClientIdentity.Version, request.Header("version"));
        Assert.Equal("Bearer " + Credentials.Token, request.Header("Authorization"));
        Assert.Equal("acct-1", request.Header("chatgpt-account-id"));
    }

    [Fact]
    public async Task CachedCatalogue_IsRevalidatedWithItsETag_AfterItExpires()
    {
        Respond(HttpStatusCode.OK, CatalogJson, etag: "\"v1\"");
        using var catalog = NewCatalog();
        var ct = TestContext.Current.CancellationToken;
        await catalog.GetAsync(ct);
        await catalog.GetAsync(ct);
        Assert.Single(_upstream.ModelsRequests);

        Respond(HttpStatusCode.NotModified, "");
        _time.Advance(ModelCatalog.FreshFor);
        var snapshot = await catalog.GetAsync(ct);

        Assert.Equal(2, _upstream.ModelsRequests.Count);
        Assert.Equal("\"v1\"", _upstream.ModelsRequests[1].Header("If-None-Match"));
        Assert.True(snapshot.Live);
        Assert.Equal(4, snapshot.Models.Count);
    }

    [Fact]
    public async Task NewModelsEtagOnAResponse_RefetchesOnce_TheSameTagDoesNot()
    {
        Respond(HttpStatusCode.OK, CatalogJson, etag: "\"v1\"");
        using var catalog = NewCatalog();
        var ct = TestContext.Current.CancellationToken;
        await catalog.GetAsync(ct);

        catalog.OnResponseHeaders(ResponseHeaders("W/\"v1\""));
        Assert.Single(_upstream.ModelsRequests);

        Respond(HttpStatusCode.OK, CatalogJson.Replace("Spark", "Spark 2", StringComparison.Ordinal), etag: "\"v2\"");
        catalog.OnResponseHeaders(ResponseHeaders("\"v2\""));
        catalog.OnResponseHeaders(ResponseHeaders("\"v2\""));
        var snapshot = await WaitForAsync(catalog, s => s.Find("gpt-5.3-codex-spark")?.DisplayName == "Spark 2");

        Assert.Equal(2, _upstream.ModelsRequests.Count);
        Assert.True(snapshot.Live);
    }

    [Fact]
    public async Task ModelsEtag_BeforeAnyLiveCatalogue_StartsNoExtraFetch()
    {
        Respond(HttpStatusCode.NotFound, "");
        using var catalog = NewCatalog();
        await catalog.GetAsync(TestContext.Current.CancellationToken);

        catalog.OnModelsEtag("\"v9\"");

        Assert.Single(_upstream.ModelsRequests);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "")]
    [InlineData(HttpStatusCode.OK, "<html>")]
    [InlineData(HttpStatusCode.OK, """{"models":[]}""")]
    public async Task UnusableAnswer_FallsBackToTheBuiltInCatalogue(HttpStatusCode status, string body)
    {
        Respond(status, body);
        using var catalog = NewCatalog();

        var snapshot = await catalog.GetAsync(TestContext.Current.CancellationToken);

        Assert.False(snapshot.Live);
        Assert.Equal("built-in", snapshot.Source);
        Assert.Same(BuiltInCatalog.Snapshot, snapshot);
        Assert.True(snapshot.Find("gpt-6.1-sol")!.UsesResponsesLite);
        Assert.False(snapshot.Find("gpt-5.5")!.UsesResponsesLite);
        Assert.False(Assert.IsType<CatalogFailure>(catalog.LastFailure).NotLoggedIn);
    }

    [Fact]
    public async Task LastFailure_SaysWhy_AndIsClearedByTheNextGoodFetch()
    {
        Respond(HttpStatusCode.InternalServerError, "");
        using var catalog = NewCatalog();
        var ct = TestContext.Current.CancellationToken;

        await catalog.GetAsync(ct);
        var failure = catalog.LastFailure;
        Respond(HttpStatusCode.OK, CatalogJson);
        _time.Advance(ModelCatalog.RetryAfterFailure);
        var snapshot = await catalog.GetAsync(ct);

        Assert.Equal(new CatalogFailure("HTTP 500", NotLoggedIn: false), failure);
        Assert.True(snapshot.Live);
        Assert.Null(catalog.LastFailure);
    }

    [Fact]
    public async Task HangingUpstream_TimesOut_AndFallsBack()
    {
        _upstream.ModelsResponder = static _ => UpstreamScenario.Hang();
        using var catalog = NewCatalog();

        var fetch = catalog.GetAsync(TestContext.Current.CancellationToken);
        while (_upstream.ModelsRequests.Count == 0)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        _time.Advance(ModelCatalog.FetchTimeout);
        var snapshot = await fetch;

        Assert.False(snapshot.Live);
        Assert.Equal("no answer within 10 s", catalog.LastFailure?.Reason);
    }

    [Fact]
    public async Task ModelList_HasClaudeNamesWithTargets_AndListedModelsWithRealWindows()
    {
        Respond(HttpStatusCode.OK, CatalogJson);
        using var catalog = NewCatalog(plan: "pro");

        var entries = ModelsEndpoint.Entries(await catalog.GetAsync(TestContext.Current.CancellationToken), new ModelMappingOptions { HaikuModel = "gpt-5.3-codex-spark" });

        // The catalogue lacks gpt-6-astra, so opus lands on its top-priority model.
        var opus = Assert.Single(entries, e => e.Id == "claude-opus-4-8");
        Assert.Equal(("gpt-6.1-sol", null, 272_000), (opus.MapsTo, opus.Effort, opus.MaxInputTokens));
        var haiku = Assert.Single(entries, e => e.Id == "claude-haiku-4-5-20251001");
        Assert.Equal(("gpt-5.3-codex-spark", 128_000), (haiku.MapsTo, haiku.MaxInputTokens));
        Assert.Contains(entries, e => e.Id == "gpt-5.3-codex-spark" && e.DisplayName == "Spark" && e.MapsTo is null);
        Assert.DoesNotContain(entries, e => e.Id == "codex-auto-review");
        Assert.All(entries, e => Assert.Equal("model", e.Type));
    }

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeCodexUpstream.StartAsync(TestContext.Current.CancellationToken);
        _upstream.ModelsResponder = _ => UpstreamScenario.Plain(
            _answer.Status, _answer.Body, _answer.ETag is { } etag ? new Dictionary<string, string> { ["ETag"] = etag } : null);
    }

    public ValueTask DisposeAsync() => _upstream.DisposeAsync();

    private void Respond(HttpStatusCode status, string body, string? etag = null) => _answer = ((int)status, body, etag);

    private ModelCatalog NewCatalog(string? plan = null) => new(
        new HttpClient(),
        new ProxyOptions { CodexBaseUrl = _upstream.BaseUrl },
        new Credentials(plan),
        _time,
        NullLogger<ModelCatalog>.Instance);

    private static HttpResponseHeaders ResponseHeaders(string modelsEtag)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("x-models-etag", modelsEtag);
        return response.Headers;
    }

    private static async Task<CatalogSnapshot> WaitForAsync(ModelCatalog catalog, Func<CatalogSnapshot, bool> done)
    {
        for (var i = 0; i < 500; i++)
        {
            if (catalog.Current is var current && done(current))
            {
                return current;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The catalogue was not refetched.");
    }

    private sealed class Credentials(string? plan) : ICodexCredentials
    {
        public static readonly string Token = Jwt(null);

        private readonly string _token = Jwt(plan);

        public bool HasLogin => true;

        public ValueTask<CodexCredential> GetAsync(CancellationToken cancellationToken) => new(new CodexCredential(_token, "acct-1"));

        public ValueTask<CodexCredential> RecoverFromUnauthorizedAsync(CodexCredential rejected, CancellationToken cancellationToken) =>
            GetAsync(cancellationToken);

        private static string Jwt(string? plan)
        {
            var claims = plan is null ? "{}" : $$$"""{"https://api.openai.com/auth":{"chatgpt_plan_type":"{{{plan}}}"}}""";
            return $"e30.{Convert.ToBase64String(Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.sig";
        }
    }
}
