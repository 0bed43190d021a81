using System.Net;
using CodexProxy.Configuration;
using Microsoft.Net.Http.Headers;

namespace CodexProxy.Hosting;

/// <summary>
/// The first thing every request meets, before the key check, the request log or any body read: it refuses what a web
/// page in the user's browser could send, since this proxy spends the user's ChatGPT login on any request it accepts.
/// <list type="bullet">
/// <item><c>Host</c> must name a loopback address (or the configured <c>HOST</c>) and the port the request arrived on:
/// a DNS-rebound page (<c>http://evil.example:19080</c> resolving to 127.0.0.1) is same-origin with the proxy and could
/// read its answers, but its requests carry its own host name.</item>
/// <item>An <c>Origin</c> other than the proxy's own (including <c>null</c>, which sandboxed frames and <c>data:</c>
/// pages send) and <c>Sec-Fetch-Site: cross-site</c> or <c>same-site</c> (another port of localhost is "same-site")
/// mean a page elsewhere made the request. Programs (Claude Code, the SDKs, curl) send neither.</item>
/// <item>A POST body must be declared <c>application/json</c>, parsed as a media type: a browser can send
/// <c>text/plain</c>, form or no Content-Type cross-site without asking first (a CORS "simple" request), but never JSON.</item>
/// <item>A body whose declared length is over the limit gets its 413 at once, before any of it is read.</item>
/// </list>
/// Every refusal is an Anthropic-shaped error that says what to change, with <c>x-should-retry: false</c>.
/// </summary>
internal sealed partial class EdgeGuardMiddleware(RequestDelegate next, ProxyOptions options, TimeProvider time, ILogger<EdgeGuardMiddleware> logger)
{
    private readonly IPAddress? _configuredHost = options.Host is "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(options.Host, out var address) ? address : null;

    public async Task InvokeAsync(HttpContext http)
    {
        await CheckAsync(http);
        await RequestBodyLimit.DrainIfRefusedAsync(http, time);
    }

    private Task CheckAsync(HttpContext http)
    {
        var request = http.Request;
        var port = http.Connection.LocalPort;
        if (!IsOwnHost(request.Host, port))
        {
            return RefuseAsync(http, "Host", new ApiError(403, "permission_error",
                $"This proxy only answers requests addressed to it as http://127.0.0.1:{port} (or localhost, [::1], or its HOST "
                + "setting, on that port); the Host header names another host or port. Use the address the proxy printed "
                + "at start; the check stops DNS-rebinding pages from using your ChatGPT login.", ShouldRetry: false));
        }

        if (request.Headers.Origin is { Count: > 0 } origin && !IsOwnOrigin(origin, port))
        {
            return RefuseAsync(http, "Origin", FromWebPage("an Origin header of another site"));
        }

        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return RefuseAsync(http, "Sec-Fetch-Site", FromWebPage("Sec-Fetch-Site: cross-site or same-site"));
        }

        if (HttpMethods.IsPost(request.Method) && !IsJson(request.ContentType))
        {
            return RefuseAsync(http, "Content-Type", new ApiError(415, "invalid_request_error",
                "Send the body as JSON with the header Content-Type: application/json (a charset parameter is fine); "
                + "other content types are refused because web pages can send them to a local server without asking.",
                ShouldRetry: false));
        }

        if (RequestBodyLimit.IsDeclaredOverLimit(http, out var limit))
        {
            RequestBodyLimit.Refuse(http, limit);
            return RefuseAsync(http, "Content-Length", ApiError.RequestTooLarge(limit));
        }

        return next(http);
    }

    private static ApiError FromWebPage(string what) => new(403, "permission_error",
        $"This proxy refuses requests made by web pages (the request carried {what}): it holds your ChatGPT login, so "
        + "only programs on this machine may call it, such as Claude Code, the Anthropic SDKs or curl.", ShouldRetry: false);

    /// <summary><c>application/json</c> itself, with any parameters; not a type that merely contains "json".</summary>
    internal static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private bool IsOwnHost(HostString host, int port) =>
        host.HasValue && (host.Port ?? 80) == port && IsOwnHostName(host.Host);

    private bool IsOwnOrigin(Microsoft.Extensions.Primitives.StringValues origin, int port) =>
        origin.Count == 1
        && Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp && uri.Port == port && uri.AbsolutePath == "/"
        && IsOwnHostName(uri.Host);

    /// <summary>A loopback name, the configured HOST, or, when bound to every address, any IP literal. An IP literal
    /// cannot be rebound: rebinding needs a host name the attacker controls.</summary>
    private bool IsOwnHostName(string name)
    {
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(name.Trim('[', ']'), out var address))
        {
            return false;
        }

        return IPAddress.IsLoopback(address) || address.Equals(_configuredHost)
            || _configuredHost is { } bound && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any));
    }

    private Task RefuseAsync(HttpContext http, string header, ApiError error)
    {
        // Only which check refused: header values come from whoever sent the request and stay out of the log.
        Refused(logger, http.Request.Method, header, error.Status);
        return ErrorResults.WriteAsync(http.Response, error, http.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a {Method} request at the edge: {Header} check, answered {Status}")]
    private static partial void Refused(ILogger logger, string method, string header, int status);
}
