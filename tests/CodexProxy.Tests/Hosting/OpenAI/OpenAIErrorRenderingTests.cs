using CodexProxy.Hosting.OpenAI;
using Xunit;

namespace CodexProxy.Tests.Hosting.OpenAI;

/// <summary>The one classification rendered in OpenAI's words: the status stays, type and code follow the OpenAI API.</summary>
public sealed class OpenAIErrorRenderingTests
{
    [Theory]
    [InlineData(400, "messages[0]: bad", null, "invalid_request_error", null, null)]
    [InlineData(400, "prompt is too long: 300000 tokens", null, "invalid_request_error", "input", "context_length_exceeded")]
    [InlineData(401, "Run login", false, "invalid_request_error", null, "invalid_api_key")]
    [InlineData(403, "Blocked", null, "invalid_request_error", null, "permission_denied")]
    [InlineData(404, "No such model", null, "invalid_request_error", null, "not_found")]
    [InlineData(413, "Too large", false, "invalid_request_error", null, "request_too_large")]
    [InlineData(429, "Usage limit until 18:00", false, "insufficient_quota", null, "insufficient_quota")]
    [InlineData(429, "Slow down", null, "requests", null, "rate_limit_exceeded")]
    [InlineData(500, "Broken", null, "server_error", null, null)]
    [InlineData(504, "Silent", null, "server_error", null, "timeout")]
    [InlineData(529, "At capacity", null, "server_error", null, "server_is_overloaded")]
    public void Status_MapsToOpenAIsTypeAndCode(int status, string message, bool? shouldRetry, string type, string? param, string? code)
    {
        var detail = OpenAIErrorRendering.Render(status, message, shouldRetry);

        Assert.Equal((message, type, param, code), (detail.Message, detail.Type, detail.Param, detail.Code));
    }
}
