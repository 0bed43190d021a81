using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Hosting;

namespace CodexProxy.Translation;

/// <summary>Per-call facts the mapper needs besides the body.</summary>
/// <param name="SessionId">The <c>X-Claude-Code-Session-Id</c> header, if present.</param>
internal sealed record RequestContext(string? SessionId, ModelMappingOptions Models);

/// <summary>The Codex request plus what the response side needs to map names back.</summary>
internal sealed record MappedRequest(CodexRequest Body, string RequestedModel, ToolNameMap ToolNames);

/// <summary>Anthropic Messages request → Codex Responses request. Pure; throws <see cref="InvalidRequestException"/>.</summary>
internal static class RequestMapper
{
    public static MappedRequest ToCodexRequest(MessagesRequest request, RequestContext context) =>
        throw new NotImplementedException();
}
