using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Kind = CodexProxy.Codex.UpstreamFailureKind;

namespace CodexProxy.Tests.Codex;

/// <summary>The one table of what an upstream failure is: every input the classifier knows, and the record it becomes.</summary>
public sealed class UpstreamFailureClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly long InTwoHours13 = Now.AddHours(2).AddMinutes(13).ToUnixTimeSeconds();
    private static readonly string Capacity = UpstreamFailureClassifier.AtCapacityMessage;
    private readonly UpstreamFailureClassifier _classifier = new(new FakeTimeProvider(Now));

    private static readonly Table<Exception> FailureTable = new()
    {
        // HTTP status + body (+ headers)
        { "401", Http(401, """{"detail":"Unauthorized"}"""),
            new(Kind.Unauthorized, 401, "authentication_error", "ChatGPT rejected the login (Unauthorized). Run `./chatgpt-codex-proxy login` again.") { ClientShouldRetry = false } },
        { "403 Cloudflare", Http(403, "<html><title>Attention Required! | Cloudflare</title> blocked</html>"),
            new(Kind.Forbidden, 403, "permission_error", "The ChatGPT backend blocked this request (Cloudflare). Try again later or from another network.") { ClientShouldRetry = false } },
        { "403", Http(403, """{"detail":"Forbidden"}"""), new(Kind.Forbidden, 403, "permission_error", "Forbidden") },
        { "404", Http(404, """{"detail":"Not Found"}"""), new(Kind.NotFound, 404, "not_found_error", "Not Found") },
        { "usage limit as 404", Http(404, """{"error":{"type":"usage_limit_reached"}}"""),
            new(Kind.UsageLimit, 429, "rate_limit_error", "You have reached your ChatGPT usage limit for Codex.") { ClientShouldRetry = false } },
        { "usage limit, resets_at", Http(429, $$$"""{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_at":{{{InTwoHours13}}}}}"""),
            UsageLimit("You have reached your ChatGPT plus usage limit for Codex. It resets at 2026-12-01 14:13 +00:00 (in 2 h 13 min).", 2 * 3600 + 13 * 60) },
        { "usage limit, resets_in_seconds", Http(429, """{"error":{"type":"usage_limit_reached","resets_in_seconds":90}}"""),
            UsageLimit("You have reached your ChatGPT usage limit for Codex. It resets at 2026-12-01 12:01 +00:00 (in 1 min).", 90) },
        { "usage limit, reset only in headers", Http(429, """{"error":{"type":"usage_limit_reached"}}""",
                ("x-codex-active-limit", "codex"), ("x-codex-plan-type", "pro"),
                ("x-codex-primary-used-percent", "40"), ("x-codex-primary-reset-at", (InTwoHours13 - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("x-codex-secondary-used-percent", "100"), ("x-codex-secondary-reset-after-seconds", "7980")),
            UsageLimit("You have reached your ChatGPT pro usage limit for Codex. It resets at 2026-12-01 14:13 +00:00 (in 2 h 13 min).", 7980) },
        { "usage_not_included", Http(429, """{"error":{"type":"usage_not_included"}}"""),
            new(Kind.UsageNotIncluded, 429, "rate_limit_error", "Your ChatGPT plan does not include Codex. Upgrade to Plus or Pro, then retry.") { ClientShouldRetry = false } },
        { "insufficient_quota", Http(429, """{"error":{"code":"insufficient_quota","message":"You exceeded your current quota"}}"""),
            new(Kind.QuotaExhausted, 429, "rate_limit_error", "Your ChatGPT account has no Codex quota left (insufficient_quota). Check your plan and credits.") { ClientShouldRetry = false } },
        { "rate_limit_exceeded", Http(429, """{"error":{"type":"rate_limit_exceeded","code":"rate_limit_exceeded","message":"Rate limit reached for gpt-5.5. Please try again in 20s."}}"""),
            new(Kind.RateLimited, 429, "rate_limit_error", "Rate limit reached for gpt-5.5. Please try again in 20s.") { RetryAfter = TimeSpan.FromSeconds(20) } },
        { "429 with Retry-After", Http(429, """{"detail":"Too many requests"}""", ("Retry-After", "7")),
            new(Kind.RateLimited, 429, "rate_limit_error", "Too many requests") { RetryAfter = TimeSpan.FromSeconds(7) } },
        { "400 context_length_exceeded", Http(400, """{"error":{"code":"context_length_exceeded","message":"Your input exceeds the context window of this model."}}"""),
            new(Kind.ContextOverflow, 400, "invalid_request_error", "prompt is too long: Your input exceeds the context window of this model.") },
        { "400 unsupported model", Http(400, """{"detail":"The 'gpt-5.3-codex' model is not supported"}"""),
            new(Kind.InvalidRequest, 400, "invalid_request_error", "The 'gpt-5.3-codex' model is not supported") },
        { "400 invalid_encrypted_content", Http(400, """{"error":{"message":"The encrypted content gAAA could not be verified.","type":"invalid_request_error","code":"invalid_encrypted_content"}}"""),
            new(Kind.InvalidEncryptedContent, 400, "invalid_request_error", "The encrypted content gAAA could not be verified.") },
        { "400 invalid image", Http(400, """{"error":{"message":"The image data you provided does not represent a valid image.","type":"invalid_request_error"}}"""),
            new(Kind.InvalidImage, 400, "invalid_request_error", "The image data you provided does not represent a valid image.") },
        { "400 cyber_policy", Http(400, """{"error":{"code":"cyber_policy","message":"This content was flagged."}}"""),
            new(Kind.ContentFlagged, 400, "invalid_request_error", "The ChatGPT backend flagged this request: This content was flagged.") },
        { "500", Http(500, """{"detail":"boom"}"""), new(Kind.ServerError, 500, "api_error", "boom") { RetryableBeforeOutput = true } },
        { "502 HTML", Http(502, "<html>bad gateway</html>"),
            new(Kind.ServerError, 500, "api_error", "The ChatGPT Codex backend answered 502.") { RetryableBeforeOutput = true } },
        { "503 server_is_overloaded", Http(503, """{"error":{"type":"service_unavailable_error","code":"server_is_overloaded","message":"Our servers are overloaded."}}"""),
            new(Kind.Overloaded, 529, "overloaded_error", Capacity) },
        { "503 slow_down", Http(503, """{"error":{"code":"slow_down"}}"""), new(Kind.Overloaded, 529, "overloaded_error", Capacity) },
        { "503 plain", Http(503, """{"detail":"busy"}"""), new(Kind.Overloaded, 529, "overloaded_error", "busy") { RetryableBeforeOutput = true } },

        // response.failed / error events, as the stream reports them
        { "stream context_length_exceeded", Stream("context_length_exceeded", "Too long."),
            new(Kind.ContextOverflow, 400, "invalid_request_error", "prompt is too long: Too long.") },
        { "stream server_is_overloaded", Stream("server_is_overloaded", "busy"), new(Kind.Overloaded, 529, "overloaded_error", Capacity) },
        { "stream overloaded_error type only", new UpstreamStreamException(new CodexError { Type = "overloaded_error" }),
            new(Kind.Overloaded, 529, "overloaded_error", Capacity) },
        { "stream rate_limit_exceeded", Stream("rate_limit_exceeded", "Rate limit reached. Please try again in 1.5s."),
            new(Kind.RateLimited, 429, "rate_limit_error", "Rate limit reached. Please try again in 1.5s.") { RetryAfter = TimeSpan.FromSeconds(2) } },
        { "stream usage_limit_reached", new UpstreamStreamException(new CodexError { Code = "usage_limit_reached", PlanType = "plus", ResetsInSeconds = 600 }),
            UsageLimit("You have reached your ChatGPT plus usage limit for Codex. It resets at 2026-12-01 12:10 +00:00 (in 10 min).", 600) },
        { "stream usage_not_included", Stream("usage_not_included", "m"),
            new(Kind.UsageNotIncluded, 429, "rate_limit_error", "Your ChatGPT plan does not include Codex. Upgrade to Plus or Pro, then retry.") { ClientShouldRetry = false } },
        { "stream insufficient_quota", Stream("insufficient_quota", "m"),
            new(Kind.QuotaExhausted, 429, "rate_limit_error", "Your ChatGPT account has no Codex quota left (insufficient_quota). Check your plan and credits.") { ClientShouldRetry = false } },
        { "stream cyber_policy", new UpstreamStreamException(new CodexError { Type = "invalid_request", Code = "cyber_policy", Message = "Flagged." }),
            new(Kind.ContentFlagged, 400, "invalid_request_error", "The ChatGPT backend flagged this request: Flagged.") },
        { "stream invalid image", Stream("invalid_image", "Bad image."), new(Kind.InvalidImage, 400, "invalid_request_error", "Bad image.") },
        { "stream invalid_prompt", Stream("invalid_prompt", "Bad prompt."), new(Kind.InvalidRequest, 400, "invalid_request_error", "Bad prompt.") },
        { "stream invalid_encrypted_content", Stream("invalid_encrypted_content", "Unverifiable."),
            new(Kind.InvalidEncryptedContent, 400, "invalid_request_error", "Unverifiable.") },
        { "stream server_error", Stream("server_error", "oops"), new(Kind.ServerError, 500, "api_error", "oops") { RetryableBeforeOutput = true } },
        { "stream closed early", UpstreamStreamException.Truncated(),
            new(Kind.Connection, 500, "api_error", "The Codex stream ended before response.completed.") { RetryableBeforeOutput = true } },
        { "stream unknown code", Stream("something_new", "new"), new(Kind.Unknown, 500, "api_error", "new") },

        // transport and login
        { "connection refused", new UpstreamConnectionException("Could not reach the backend."),
            new(Kind.Connection, 500, "api_error", "Could not reach the backend.") { RetryableBeforeOutput = true } },
        { "HttpRequestException", new HttpRequestException("reset"), BrokenConnection },
        { "IOException", new IOException("reset"), BrokenConnection },
        { "SocketException", new SocketException(), BrokenConnection },
        { "idle timeout", new UpstreamTimeoutException(TimeSpan.FromSeconds(300)),
            new(Kind.Timeout, 504, "timeout_error", "The ChatGPT Codex backend sent nothing for 300 s.") },
        { "not logged in", NotLoggedInException.NoTokens(),
            new(Kind.NotLoggedIn, 401, "authentication_error", "Not logged in to ChatGPT. Run `./chatgpt-codex-proxy login`, then retry.") { ClientShouldRetry = false } },
        { "auth server unavailable", new AuthServerUnavailableException("Could not refresh: token rt_secret echoed",
                new OAuthException("Could not refresh the login (server_error: rt_secret).", permanent: false, "server_error")),
            new(Kind.AuthServerUnavailable, 500, "api_error",
                "Could not refresh the ChatGPT login: the auth server failed or could not be reached (server_error). Try again in a moment.") { RetryableBeforeOutput = true } },
        { "not an upstream failure", new InvalidOperationException("bug"), null },
    };

    private static readonly Table<string> EventTable = new()
    {
        { "response.failed", """{"type":"response.failed","response":{"status":"failed","error":{"code":"context_length_exceeded","message":"Too long."}}}""",
            new(Kind.ContextOverflow, 400, "invalid_request_error", "prompt is too long: Too long.") },
        { "response.failed without error", """{"type":"response.failed","response":{"status":"failed"}}""",
            new(Kind.Unknown, 500, "api_error", "The Codex response failed.") },
        { "nested error event", """{"type":"error","error":{"type":"invalid_request","code":"cyber_policy","message":"Flagged."}}""",
            new(Kind.ContentFlagged, 400, "invalid_request_error", "The ChatGPT backend flagged this request: Flagged.") },
        { "flat error event", """{"type":"error","code":"server_is_overloaded","message":"Model is at capacity."}""",
            new(Kind.Overloaded, 529, "overloaded_error", Capacity) },
        { "empty error event", """{"type":"error"}""", new(Kind.Unknown, 500, "api_error", "The Codex stream reported an error.") },
        { "response.incomplete ends the turn", """{"type":"response.incomplete","response":{"incomplete_details":{"reason":"max_output_tokens"}}}""", null },
        { "output", """{"type":"response.output_text.delta","delta":"hi"}""", null },
    };

    public static TheoryData<string> Failures => new(FailureTable.Keys);

    public static TheoryData<string> Events => new(EventTable.Keys);

    private static UpstreamFailure BrokenConnection =>
        new(Kind.Connection, 500, "api_error", "The connection to the ChatGPT Codex backend broke.") { RetryableBeforeOutput = true };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failure_IsClassifiedOnce(string row)
    {
        var (failure, expected) = FailureTable[row];

        var actual = _classifier.Classify(failure);

        Assert.True(Equals(expected, actual), $"{row}: expected {expected}, got {actual}");
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_CarriesItsFailure(string row)
    {
        var (json, expected) = EventTable[row];
        var codexEvent = JsonSerializer.Deserialize(json, CodexJsonContext.Default.CodexStreamEvent)!;

        var actual = UpstreamFailureClassifier.ErrorOf(codexEvent) is { } error ? _classifier.FromStream(error) : null;

        Assert.True(Equals(expected, actual), $"{row}: expected {expected}, got {actual}");
    }

    [Theory]
    [InlineData("Please try again in 20s.", 20)]
    [InlineData("Please try again in 1.5 seconds.", 2)]
    [InlineData("try again in 350ms", 1)]
    [InlineData("Rate limit reached.", null)]
    public void TryAgainIn_ReadsTheWaitTheMessageNames(string message, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, UpstreamUsageLimits.TryAgainIn(message));

    private static UpstreamHttpException Http(int status, string body, params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return new UpstreamHttpException(status, body, headers.Length == 0 ? null : response.Headers);
    }

    private static UpstreamStreamException Stream(string code, string message) => new(new CodexError { Code = code, Message = message });

    private static UpstreamFailure UsageLimit(string message, int waitSeconds) =>
        new(Kind.UsageLimit, 429, "rate_limit_error", message)
        {
            ResetsAt = Now.AddSeconds(waitSeconds),
            RetryAfter = TimeSpan.FromSeconds(waitSeconds),
            ClientShouldRetry = false,
        };

    /// <summary>Rows by name: the theory shows one case per row, and the records stay internal.</summary>
    private sealed class Table<TInput> : Dictionary<string, (TInput Input, UpstreamFailure? Expected)>
    {
        public void Add(string row, TInput input, UpstreamFailure? expected) => Add(row, (input, expected));
    }
}
