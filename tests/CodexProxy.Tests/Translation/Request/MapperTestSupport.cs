using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Translation.Request;

/// <summary>Requests are written as the JSON a client sends and read through the real wire types.</summary>
internal static class MapperTestSupport
{
    public static MessagesRequest Parse(string json) =>
        JsonSerializer.Deserialize(json, AnthropicJsonContext.Default.MessagesRequest)
        ?? throw new InvalidOperationException("null request");

    public static MappedRequest Map(string json, string? sessionId = null, ModelMappingOptions? models = null) =>
        RequestMapper.ToCodexRequest(Parse(json), new RequestContext(sessionId, models ?? new ModelMappingOptions()));

    /// <summary>A request with one user text message plus the given extra top-level JSON members.</summary>
    public static MappedRequest MapWith(string extraMembers, string? sessionId = null) =>
        Map($$"""{"model":"gpt-5.5","messages":[{"role":"user","content":"hi"}]{{(extraMembers.Length > 0 ? "," : "")}}{{extraMembers}}}""", sessionId);

    public static string ToJson(CodexRequest body) => JsonSerializer.Serialize(body, CodexJsonContext.Wire.CodexRequest);

    /// <summary>The serialised <c>input</c> array, item by item.</summary>
    public static string[] InputJson(CodexRequest body)
    {
        using var document = JsonDocument.Parse(ToJson(body));
        return [.. document.RootElement.GetProperty("input").EnumerateArray().Select(item => item.GetRawText())];
    }

    public static string InvalidMessage(string json)
    {
        var exception = Assert.Throws<InvalidRequestException>(() => Map(json));
        return exception.Message;
    }
}
