using CodexProxy.Anthropic;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Hosting;

public sealed class ErrorMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ErrorMapper _mapper = new(new FakeTimeProvider(Now) { });

    [Theory]
    [InlineData(401, "{\"detail\":\"Unauthorized\"}", 401, "authentication_error")]
    [InlineData(403, "{\"detail\":\"Forbidden\"}", 403, "permission_error")]
    [InlineData(404, "{\"detail\":\"Not Found\"}", 404, "not_found_error")]
    [InlineData(400, "{\"detail\":\"Instructions are required\"}", 400, "invalid_request_error")]
    [InlineData(429, "{\"error\":{\"type\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}", 429, "rate_limit_error")]
    [InlineData(500, "oops", 500, "api_error")]
    [InlineData(502, "", 500, "api_error")]
    [InlineData(503, "{\"error\":{\"code\":\"server_is_overloaded\"}}", 529, "overloaded_error")]
    public void UpstreamStatus_MapsToAnthropicStatusAndType(int upstream, string body, int status, string type)
    {
        var error = _mapper.Map(new UpstreamHttpException(upstream, body, null));

        Assert.Equal(status, error.Status);
        Assert.Equal(type, error.Type);
    }

    [Fact]
    public void Upstream400_KeepsUpstreamMessage()
    {
        var error = _mapper.Map(new UpstreamHttpException(400, "{\"detail\":\"The 'gpt-5.3-codex' model is not supported\"}", null));

        Assert.Equal("The 'gpt-5.3-codex' model is not supported", error.Message);
    }

    [Fact]
    public void UsageLimit_SaysWhenItResetsAndStopsRetries()
    {
        var resetsAt = Now.AddHours(2).AddMinutes(13).ToUnixTimeSeconds();
        var body = $"{{\"error\":{{\"type\":\"usage_limit_reached\",\"message\":\"The usage limit has been reached\",\"plan_type\":\"plus\",\"resets_at\":{resetsAt}}}}}";

        var error = _mapper.Map(new UpstreamHttpException(429, body, null));

        Assert.Equal(429, error.Status);
        Assert.Equal("rate_limit_error", error.Type);
        Assert.Equal(2 * 3600 + 13 * 60, error.RetryAfterSeconds);
        Assert.False(error.ShouldRetry);
        Assert.Contains("ChatGPT plus usage limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 14:13", error.Message, StringComparison.Ordinal);
        Assert.Contains("in 2 h 13 min", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsageLimit_WithOnlyResetsInSeconds_UsesIt()
    {
        var error = _mapper.Map(new UpstreamHttpException(429,
            "{\"error\":{\"type\":\"usage_limit_reached\",\"resets_in_seconds\":90}}", null));

        Assert.Equal(90, error.RetryAfterSeconds);
        Assert.Contains("in 1 min", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsageLimitReportedAs404_IsStillA429()
    {
        var error = _mapper.Map(new UpstreamHttpException(404, "{\"error\":{\"type\":\"usage_limit_reached\"}}", null));

        Assert.Equal(429, error.Status);
    }

    [Fact]
    public void CloudflareBlock_IsAPermissionErrorInPlainWords()
    {
        var error = _mapper.Map(new UpstreamHttpException(403, "<html><title>Attention Required! | Cloudflare</title> blocked</html>", null));

        Assert.Equal("permission_error", error.Type);
        Assert.Contains("Cloudflare", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("context_length_exceeded", 400, "invalid_request_error")]
    [InlineData("usage_limit_reached", 429, "rate_limit_error")]
    [InlineData("rate_limit_exceeded", 429, "rate_limit_error")]
    [InlineData("server_is_overloaded", 529, "overloaded_error")]
    [InlineData("cyber_policy", 400, "invalid_request_error")]
    [InlineData("something_new", 500, "api_error")]
    public void StreamFailure_MapsByCode(string code, int status, string type)
    {
        var error = _mapper.Map(new UpstreamStreamException(new CodexError { Code = code, Message = "m" }));

        Assert.Equal(status, error.Status);
        Assert.Equal(type, error.Type);
    }

    [Fact]
    public void ContextOverflow_SaysPromptIsTooLongSoClaudeCodeCompacts()
    {
        var error = _mapper.Map(new UpstreamStreamException(new CodexError { Code = "context_length_exceeded", Message = "Your input exceeds the context window" }));

        Assert.StartsWith("prompt is too long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotLoggedIn_Is401WithoutRetry()
    {
        var error = _mapper.Map(NotLoggedInException.NoTokens());

        Assert.Equal(401, error.Status);
        Assert.Equal("authentication_error", error.Type);
        Assert.False(error.ShouldRetry);
        Assert.Contains("chatgpt-codex-proxy login", error.Message, StringComparison.Ordinal);
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
