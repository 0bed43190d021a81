using CodexProxy.Anthropic;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;

namespace CodexProxy.Hosting;

/// <summary>The request mapper as the endpoints call it.</summary>
internal static class ClientRequestMapping
{
    /// <summary>Mapping is a pure function of the client's request, so whatever it trips over is the client's input:
    /// a 400, never a 500. Unexpected failures are still logged so the mapper can learn to name them.</summary>
    public static MappedRequest Map(MessagesRequest request, RequestContext context, ILogger logger)
    {
        try
        {
            return RequestMapper.ToCodexRequest(request, context);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidCastException or ArgumentException or FormatException
            or OverflowException or IndexOutOfRangeException or KeyNotFoundException or InvalidOperationException)
        {
            ProxyLog.UnexpectedMappingFailure(logger, e);
            throw new InvalidRequestException("The request has a value of an unexpected shape (for example a null where an object belongs).");
        }
    }
}
