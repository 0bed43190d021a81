using System.Security.Cryptography;
using System.Text;
using CodexProxy.Configuration;

namespace CodexProxy.Hosting;

/// <summary>
/// With <c>PROXY_API_KEY</c> set, every request except <c>/health</c> must carry it as <c>x-api-key</c> or
/// <c>Authorization: Bearer</c>. Without it, any client key is accepted (Claude Code always sends one).
/// </summary>
internal sealed class ProxyKeyMiddleware(RequestDelegate next, ProxyOptions options)
{
    // Hashes have a fixed length, so comparing them in constant time does not leak the key's length either.
    private readonly byte[]? _expectedHash = options.ProxyApiKey is { } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public Task InvokeAsync(HttpContext http)
    {
        if (_expectedHash is null || http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || Presented(http.Request) is { } presented && Matches(presented))
        {
            return next(http);
        }

        var error = new ApiError(401, "authentication_error",
            "This proxy requires its PROXY_API_KEY as x-api-key or Authorization: Bearer.", ShouldRetry: false);
        return ErrorResults.WriteAsync(http.Response, error, http.RequestAborted);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers["x-api-key"] is { Count: > 0 } apiKey && apiKey.ToString() is { Length: > 0 } value)
        {
            return value;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expectedHash);
}
