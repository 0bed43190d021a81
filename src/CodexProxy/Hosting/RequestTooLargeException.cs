using CodexProxy.Configuration;

namespace CodexProxy.Hosting;

/// <summary>The body is over <see cref="ProxyOptions.MaxRequestBodyBytes"/>: a 413 <c>request_too_large</c>.</summary>
internal sealed class RequestTooLargeException(long limit) : Exception($"The request body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
