using System.Text.Json;

namespace CodexProxy.Translation;

/// <summary>Immutable JSON values created once, so the hot path never builds a DOM for them.</summary>
internal static class JsonConstants
{
    /// <summary><c>{}</c>: the <c>input</c> of a <c>tool_use</c> block start, and the fallback for unusable arguments.</summary>
    public static readonly JsonElement EmptyObject = Parse("{}");

    /// <summary><c>[]</c>: the <c>content</c> of a <c>web_search_tool_result</c> block (Codex returns no result list).</summary>
    public static readonly JsonElement EmptyArray = Parse("[]");

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
