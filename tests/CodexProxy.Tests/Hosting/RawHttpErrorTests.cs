using System.Net;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Every row of the README's error table, over real HTTP: status, error type, retry headers, message.</summary>
public sealed class RawHttpErrorTests
{
    public static TheoryData<string, int, string, string> UpstreamErrorRows => new()
    {
        { nameof(UpstreamErrors.Unauthorized), 401, "authentication_error", "login" },
        { nameof(UpstreamErrors.CloudflareBlock), 403, "permission_error", "Cloudflare" },
        { nameof(UpstreamErrors.RateLimited), 429, "rate_limit_error", "Rate limit reached" },
        { "BadRequest", 400, "invalid_request_error", "The 'gpt-9' model is not supported when using Codex with a ChatGPT account." },
        { nameof(UpstreamErrors.InvalidEncryptedContent), 400, "invalid_request_error", "could not be verified" },
        { nameof(UpstreamErrors.NotFound), 404, "not_found_error", "Not Found" },
        { nameof(UpstreamErrors.Overloaded), 529, "overloaded_error", "at capacity" },
        { nameof(UpstreamErrors.ServerError), 500, "api_error", "error occurred" },
    };

    [Theory]
    [MemberData(nameof(UpstreamErrorRows))]
    public async Task UpstreamError_BecomesAnthropicError(string upstreamError, int status, string type, string messagePart)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        var scenario = upstreamError switch
        {
            nameof(UpstreamErrors.Unauthorized) => UpstreamErrors.Unauthorized(),
            nameof(UpstreamErrors.CloudflareBlock) => UpstreamErrors.CloudflareBlock(),
            nameof(UpstreamErrors.RateLimited) => UpstreamErrors.RateLimited(),
            nameof(UpstreamErrors.InvalidEncryptedContent) => UpstreamErrors.InvalidEncryptedContent(),
            nameof(UpstreamErrors.NotFound) => UpstreamErrors.NotFound(),
            nameof(UpstreamErrors.Overloaded) => UpstreamErrors.Overloaded(),
            nameof(UpstreamErrors.ServerError) => UpstreamErrors.ServerError(),
            _ => UpstreamErrors.BadRequest("The 'gpt-9' model is not supported when using Codex with a ChatGPT account."),
        };
        // A 401 is retried once after credential recovery; answer both attempts the same way.
        fake.Enqueue(scenario, scenario);
        // The proxy retries a 5xx (up to 4 times) before answering; every attempt gets the same error.
        fake.Responder = _ => scenario;
        // The 401 triggers one refresh; the fake OAuth server does not know the fixture's refresh token, so the
        // refresh fails for good and the user is told to log in again.
        await using var oauth = await FakeOAuthServer.StartAsync();
        await using var proxy = await ProxyFixture.StartAsync(fake.BaseUrl, authBaseUrl: oauth.BaseUrl, cancellationToken: ct);

        using var response = await RawHttpStreamingTests.PostAsync(proxy, AnthropicRequests.Text("hi", stream: true), ct);

        var error = await AssertErrorAsync(response, status, type, ct);
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
        if (status == 401)
        {
            Assert.Equal("false", error.ShouldRetry);
        }

        Assert.Empty(fake.Rejections);
    }

    [Fact]
    public async Task UsageLimitReached_Gets429WithRetryAfterAndResetTime()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        var now = DateTimeOffset.UtcNow;
        fake.Enqueue(UpstreamErrors.UsageLimit(now.AddHours(2), now));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var response = await RawHttpStreamingTests.PostAsync(proxy, AnthropicRequests.Text("hi", stream: true), ct);

        var error = await AssertErrorAsync(response, 429, "rate_limit_error", ct);
        Assert.Equal("false", error.ShouldRetry);
        Assert.NotNull(error.RetryAfter);
        Assert.InRange(error.RetryAfter.Value, 7000, 7201);
        Assert.Contains("usage limit", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("resets", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("plus", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UpstreamUnreachable_GetsApiError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = await ProxyFixture.StartAsync(ProxyFixture.UnreachableUrl(), cancellationToken: ct);

        using var response = await RawHttpStreamingTests.PostAsync(proxy, AnthropicRequests.Text("hi", stream: true), ct);

        await AssertErrorAsync(response, 500, "api_error", ct);
    }

    [Fact]
    public async Task NotLoggedIn_Gets401WithoutRetryAndNoUpstreamCall()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        await using var proxy = await ProxyFixture.StartAsync(fake.BaseUrl, loggedIn: false, cancellationToken: ct);

        using var response = await RawHttpStreamingTests.PostAsync(proxy, AnthropicRequests.Text("hi", stream: true), ct);

        var error = await AssertErrorAsync(response, 401, "authentication_error", ct);
        Assert.Equal("false", error.ShouldRetry);
        Assert.Contains("login", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData(400, 401, "authentication_error")]
    [InlineData(401, 401, "authentication_error")]
    [InlineData(500, 500, "api_error")]
    public async Task FailedRefresh_WhoseErrorEchoesTheRefreshToken_NeverShowsItToTheClient(int authStatus, int status, string type)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.Responder = _ => UpstreamErrors.Unauthorized();
        await using var auth = await StartEchoingAuthServerAsync(authStatus, ct);
        await using var proxy = await ProxyFixture.StartAsync(fake.BaseUrl, authBaseUrl: auth.Urls.Select(u => new Uri(u)).First(),
            configure: b => b.Services.Replace(ServiceDescriptor.Singleton(new UpstreamRetryPolicy(1, TimeSpan.FromMilliseconds(1)))),
            cancellationToken: ct);

        using var response = await RawHttpStreamingTests.PostAsync(proxy, AnthropicRequests.Text("hi", stream: true), ct);
        await response.Content.LoadIntoBufferAsync(ct);

        await AssertErrorAsync(response, status, type, ct);
        Assert.DoesNotContain(ProxyFixture.RefreshToken, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.True(auth.Services.GetRequiredService<EchoCount>().Value > 0, "the refresh reached the auth server");
    }

    /// <summary>An auth server whose every refresh error repeats the refresh token it was sent, in plain words.</summary>
    private static async Task<WebApplication> StartEchoingAuthServerAsync(int status, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<EchoCount>();
        var app = builder.Build();
        app.MapPost("/oauth/token", async (HttpContext http, EchoCount count) =>
        {
            using var sent = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var token = sent.RootElement.TryGetProperty("refresh_token", out var t) ? t.GetString() : "";
            Interlocked.Increment(ref count.Value);
            var code = status == 500 ? "server_error" : "invalid_grant";
            return Results.Text($$"""{"error":"{{code}}","error_description":"Refresh token {{token}} is not valid"}""", "application/json", statusCode: status);
        });
        await app.StartAsync(ct);
        return app;
    }

    private sealed class EchoCount
    {
        public int Value;
    }

    private static async Task<(string Message, string? ShouldRetry, long? RetryAfter)> AssertErrorAsync(
        HttpResponseMessage response, int status, string type, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        var shouldRetry = response.Headers.TryGetValues("x-should-retry", out var values) ? values.Single() : null;
        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? (long)delta.TotalSeconds : (long?)null;
        return (error.GetProperty("message").GetString()!, shouldRetry, retryAfter);
    }
}
