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

    /// <summary>Mapped against the built-in catalogue (Codex CLI 0.169.0's models), as the proxy does before its first fetch.</summary>
    public static MappedRequest MapWithCatalogue(string json, string? sessionId = null, ModelMappingOptions? models = null) =>
        RequestMapper.ToCodexRequest(Parse(json), new RequestContext(sessionId, models ?? new ModelMappingOptions(), BuiltInCatalog.Snapshot));

    /// <summary>A request with one user text message plus the given extra top-level JSON members.</summary>
    public static MappedRequest MapWith(string extraMembers, string? sessionId = null) =>
        Map($$"""{"model":"gpt-5.5","messages":[{"role":"user","content":"hi"}]{{(extraMembers.Length > 0 ? "," : "")}}{{extraMembers}}}""", sessionId);

    public static string ToJson(CodexRequest body) => JsonSerializer.Serialize(body, CodexJsonContext.Wire.CodexRequest);

    /// <summary>The serialised <c>input</c> array, item by item, without the system prompt item.</summary>
    public static string[] InputJson(CodexRequest body)
    {
        using var document = JsonDocument.Parse(ToJson(body));
        var skip = body.SystemPrompt is null ? -1 : IndexOf(body.Input, body.SystemPrompt);
        return [.. document.RootElement.GetProperty("input").EnumerateArray().Where((_, i) => i != skip).Select(item => item.GetRawText())];
    }

    /// <summary>The input items that come from the messages: without the system prompt and tool declarations.</summary>
    public static IReadOnlyList<CodexInputItem> Conversation(CodexRequest body) =>
        [.. body.Input.Where(item => !ReferenceEquals(item, body.SystemPrompt) && item is not CodexAdditionalToolsItem)];

    /// <summary>The system prompt as sent: the developer item's text (or the instructions field).</summary>
    public static string? Prompt(CodexRequest body) =>
        body.SystemPrompt is { } prompt ? string.Concat(prompt.Content.OfType<CodexInputText>().Select(t => t.Text)) : body.Instructions;

    private static int IndexOf(IReadOnlyList<CodexInputItem> input, CodexInputItem item)
    {
        for (var i = 0; i < input.Count; i++)
        {
            if (ReferenceEquals(input[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    public static string InvalidMessage(string json)
    {
        var exception = Assert.Throws<InvalidRequestException>(() => Map(json));
        return exception.Message;
    }
}
