using CodexProxy.Anthropic;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>What the mapping point adds to the classifier (whose table is <c>UpstreamFailureClassifierTests</c>): the
/// Anthropic error with its retry hints, redaction of every message, and the proxy's own failures.</summary>
public sealed class ErrorMapperTests
{
    private const string Jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJlLXZhbHVl";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ErrorMapper _mapper = new(new FakeTimeProvider(Now));

    [Fact]
    public void ClientBodyEndingEarly_IsTheClientsBadRequest_NotABrokenUpstream()
    {
        // Kestrel's exception for a body shorter than its Content-Length is an IOException, as a broken upstream is.
        var error = _mapper.Map(new Microsoft.AspNetCore.Http.BadHttpRequestException("Unexpected end of request content.", 400));

        Assert.Equal((400, "invalid_request_error"), (error.Status, error.Type));
        Assert.Contains("Unexpected end of request content", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsageLimit_CarriesRetryAfterSecondsAndStopsRetries()
    {
        var error = _mapper.Map(new UpstreamHttpException(429, """{"error":{"type":"usage_limit_reached","resets_in_seconds":90}}""", null));

        Assert.Equal((429, "rate_limit_error", 90L, false), (error.Status, error.Type, error.RetryAfterSeconds, error.ShouldRetry));
    }

    [Fact]
    public void Overloaded_LeavesTheRetryToClaudeCode()
    {
        var error = _mapper.Map(new UpstreamStreamException(new CodexError { Code = "server_is_overloaded" }));

        Assert.Equal((529, "overloaded_error", null, null), (error.Status, error.Type, error.RetryAfterSeconds, error.ShouldRetry));
        Assert.StartsWith("Selected model is at capacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContextOverflow_SaysPromptIsTooLongSoClaudeCodeCompacts()
    {
        var error = _mapper.Map(new UpstreamHttpException(400, """{"error":{"code":"context_length_exceeded","message":"Your input exceeds the context window"}}""", null));

        Assert.Equal((400, "invalid_request_error"), (error.Status, error.Type));
        Assert.StartsWith("prompt is too long: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpstreamText_IsRedactedBeforeItReachesTheClient()
    {
        var error = _mapper.Map(new UpstreamHttpException(400, $$"""{"detail":"bad header Authorization: Bearer {{Jwt}}"}""", null));

        Assert.DoesNotContain(Jwt, error.Message, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoginFailureText_IsRedactedToo()
    {
        var error = _mapper.Map(new NotLoggedInException($"Your ChatGPT login could not be refreshed (refresh_token={Jwt})."));

        Assert.Equal((401, "authentication_error", false), (error.Status, error.Type, error.ShouldRetry));
        Assert.DoesNotContain(Jwt, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuthServerErrorText_NeverReachesTheClient()
    {
        const string RefreshToken = "rt_opaque_value_without_a_shape";
        var refresh = new OAuthException($"Could not refresh the login (invalid_grant: token {RefreshToken} is unknown).", permanent: false, "invalid_grant");

        var error = _mapper.Map(new AuthServerUnavailableException($"Could not refresh the ChatGPT login: {refresh.Message}", refresh));

        Assert.Equal((500, "api_error"), (error.Status, error.Type));
        Assert.DoesNotContain(RefreshToken, error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidRequest_Is400WithItsMessage()
    {
        var error = _mapper.Map(new InvalidRequestException("messages[0].role: unknown role 'robot'"));

        Assert.Equal(400, error.Status);
        Assert.Equal("messages[0].role: unknown role 'robot'", error.Message);
    }

    [Fact]
    public void UnexpectedException_IsAnApiErrorThatLeaksNothing()
    {
        var error = _mapper.Map(new InvalidOperationException("secret internals"));

        Assert.Equal(500, error.Status);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
