using System.Net.Http.Headers;

namespace CodexProxy.Auth;

/// <summary>Sees the headers of every upstream answer (success or error), e.g. to record the x-codex-* usage windows.</summary>
internal interface IUpstreamHeadersObserver
{
    void OnResponseHeaders(HttpResponseHeaders headers);
}
