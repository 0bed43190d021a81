using System.Net;
using System.Text.Json;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>The endpoints that do not translate anything, exercised over real HTTP.</summary>
public sealed class HealthAndFallbackEndpointTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Health_ReportsStatusLoginAndVersion(bool loggedIn)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = await ProxyFixture.StartAsync(ProxyFixture.UnreachableUrl(), loggedIn, cancellationToken: ct);

        using var response = await proxy.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(loggedIn, json.RootElement.GetProperty("authenticated").GetBoolean());
        Assert.Matches(@"^\d+\.\d+\.\d+$", json.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Health_ReportsUptimeActivityAndMemory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = await ProxyFixture.StartAsync(ProxyFixture.UnreachableUrl(), cancellationToken: ct);

        using var response = await proxy.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = json.RootElement;
        Assert.True(root.GetProperty("uptime_seconds").GetInt64() >= 0);
        // The probe itself is not counted, and nothing else is running.
        Assert.Equal(0, root.GetProperty("requests_in_flight").GetInt32());
        Assert.Equal(0, root.GetProperty("upstream_streams_open").GetInt32());
        var memory = root.GetProperty("memory");
        Assert.True(memory.GetProperty("working_set_bytes").GetInt64() > 1_000_000);
        Assert.True(memory.GetProperty("gc_heap_bytes").GetInt64() > 0);
        Assert.True(memory.GetProperty("gc_committed_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task HeadRoot_AnswersOkForBunPreconnect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = await ProxyFixture.StartAsync(ProxyFixture.UnreachableUrl(), cancellationToken: ct);

        using var response = await proxy.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_GetsAnthropicShaped404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = await ProxyFixture.StartAsync(ProxyFixture.UnreachableUrl(), cancellationToken: ct);

        using var response = await proxy.Client.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("not_found_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("/v1/nothing-here", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJson_Gets400NamingThePath()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await proxy.Client.PostAsync(
            new Uri("/v1/messages?beta=true", UriKind.Relative),
            AnthropicRequests.Json("""{"model":"gpt-5.5","max_tokens":"lots","messages":[]}"""),
            ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("max_tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task TruncatedJson_Gets400InvalidRequest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await proxy.Client.PostAsync(
            new Uri("/v1/messages", UriKind.Relative), AnthropicRequests.Json("""{"model":"gpt-5.5","messages":[{"role":"""), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Empty(fake.Requests);
    }
}
