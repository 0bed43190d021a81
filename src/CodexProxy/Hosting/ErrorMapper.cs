using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Logging;

namespace CodexProxy.Hosting;

/// <summary>
/// The one point where every failure becomes an Anthropic error (see the README's error table): upstream and login
/// failures as <see cref="UpstreamFailureClassifier"/> classifies them, the proxy's own failures here. Every message is
/// redacted on the way out: upstream bodies, and the auth server behind a failed refresh, may echo what they were sent.
/// </summary>
internal sealed class ErrorMapper(TimeProvider time)
{
    private readonly UpstreamFailureClassifier _classifier = new(time);

    public ApiError Map(Exception exception)
    {
        // A request the client broke off is an IOException too, but never the backend's failure.
        var error = exception is not BadHttpRequestException && _classifier.Classify(exception) is { } failure
            ? FromUpstream(failure)
            : FromProxy(exception);
        return error with { Message = LogRedactor.Redact(error.Message) };
    }

    private static ApiError FromUpstream(UpstreamFailure failure) =>
        new(failure.Status, failure.ErrorType, failure.Message,
            failure.RetryAfter is { } wait ? (long)Math.Ceiling(wait.TotalSeconds) : null,
            failure.ClientShouldRetry);

    private static ApiError FromProxy(Exception exception) => exception switch
    {
        InvalidRequestException e => ApiError.InvalidRequest(e.Message),
        RequestTooLargeException e => ApiError.RequestTooLarge(e.Limit),
        BadHttpRequestException { StatusCode: 413 } => ApiError.RequestTooLarge(null),
        BadHttpRequestException e => ApiError.InvalidRequest($"The request could not be read: {e.Message}"),
        _ => ApiError.Internal("The proxy failed unexpectedly; see its log for details."),
    };
}
