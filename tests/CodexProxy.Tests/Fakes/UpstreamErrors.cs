using System.Globalization;
using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>The error answers the Codex backend is known to give (the shapes codex-rs parses in its client), as scenarios.</summary>
internal static class UpstreamErrors
{
    public static ErrorScenario Unauthorized() => new(401, """{"detail":"Unauthorized"}""");

    public static ErrorScenario CloudflareBlock() => new(403,
        "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>"
        + "<body><h1>Sorry, you have been blocked</h1><p>Cloudflare Ray ID: 8f0e2e2e2e2e2e2e</p></body></html>",
        "text/html; charset=UTF-8");

    public static ErrorScenario NotFound() => new(404, """{"detail":"Not Found"}""");

    public static ErrorScenario BadRequest(string detail) => new(400, $$"""{"detail":{{Quote(detail)}}}""");

    public static ErrorScenario InvalidEncryptedContent() => new(400,
        """{"error":{"message":"The encrypted content gAAAAB_e2e could not be verified.","type":"invalid_request_error","param":null,"code":"invalid_encrypted_content"}}""");

    /// <summary>The input is larger than the model's context window (the backend's words carry no token counts).</summary>
    public static ErrorScenario ContextLengthExceeded() => new(400,
        """{"error":{"message":"Your input exceeds the context window of this model. Please adjust your input and try again.","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}}""");

    /// <summary>The same refusal as a stream: <c>response.created</c>, then <c>response.failed</c> before any output.</summary>
    public static SseScenario ContextLengthExceededStream() => new(
        """
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_e2e_overflow","object":"response","created_at":1767225900,"status":"in_progress","model":"gpt-5.5","output":[],"usage":null}}

        event: response.failed
        data: {"type":"response.failed","sequence_number":1,"response":{"id":"resp_e2e_overflow","object":"response","created_at":1767225900,"status":"failed","model":"gpt-5.5","output":[],"error":{"code":"context_length_exceeded","message":"Your input exceeds the context window of this model. Please adjust your input and try again."},"usage":null}}

        """);

    public static ErrorScenario ServerError() => new(500,
        """{"error":{"message":"An error occurred while processing your request.","type":"server_error","param":null,"code":null}}""");

    public static ErrorScenario Overloaded() => new(503,
        """{"error":{"type":"service_unavailable_error","code":"server_is_overloaded","message":"Our servers are currently overloaded. Please try again later.","param":null}}""");

    public static ErrorScenario RateLimited() => new(429,
        """{"error":{"type":"rate_limit_exceeded","code":"rate_limit_exceeded","message":"Rate limit reached for gpt-5.5. Please try again in 20s.","param":null}}""");

    /// <summary>The plan quota is used up until <paramref name="resetsAt"/>; body and headers as in a real 429.</summary>
    public static ErrorScenario UsageLimit(DateTimeOffset resetsAt, DateTimeOffset now, string plan = "plus")
    {
        var at = resetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var inSeconds = ((long)(resetsAt - now).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var body = $$$"""{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":{{{Quote(plan)}}},"resets_at":{{{at}}},"eligible_promo":null,"resets_in_seconds":{{{inSeconds}}}}}""";
        return new ErrorScenario(429, body)
        {
            Headers = new Dictionary<string, string>(UsageHeaders.Exhausted(plan, at, inSeconds)),
        };
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text, FakeJsonContext.Default.String);
}
