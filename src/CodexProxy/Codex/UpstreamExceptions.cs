using System.Net.Http.Headers;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>The Codex backend answered with a non-success status before any stream began.</summary>
internal sealed class UpstreamHttpException(int statusCode, string body, HttpResponseHeaders? headers)
    : Exception($"Codex backend answered {statusCode}.")
{
    public int StatusCode { get; } = statusCode;

    public string Body { get; } = body;

    public HttpResponseHeaders? Headers { get; } = headers;
}

/// <summary>The stream reported a failure: <c>response.failed</c>, an <c>error</c> event, or a cut/malformed stream.</summary>
internal sealed class UpstreamStreamException(CodexError error)
    : Exception(error.Message ?? error.Code ?? "The Codex stream failed.")
{
    public CodexError Error { get; } = error;

    public static UpstreamStreamException Truncated() =>
        new(new CodexError { Code = "stream_truncated", Message = "The Codex stream ended before response.completed." });
}

/// <summary>The backend could not be reached (refused, reset, DNS, TLS, connect timeout).</summary>
internal sealed class UpstreamConnectionException(string message, Exception? inner = null) : Exception(message, inner);
