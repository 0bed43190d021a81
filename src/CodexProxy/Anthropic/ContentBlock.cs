using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.IO;

namespace CodexProxy.Anthropic;

/// <summary>
/// One request content block, read flat: which fields matter depends on <see cref="Type"/>
/// (<c>text</c>, <c>image</c>, <c>document</c>, <c>tool_use</c>, <c>tool_result</c>, <c>thinking</c>,
/// <c>redacted_thinking</c>, <c>server_tool_use</c>, <c>web_search_tool_result</c>, <c>tool_reference</c>). A flat shape lets the
/// mapper reject an unknown type with a message naming its JSON path instead of a generic converter error.
/// </summary>
internal sealed record ContentBlock
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    // text: kept as the client's bytes (a history's text is most of a request, copied through untouched)
    [JsonPropertyName("text")] public RawJsonString? Text { get; init; }

    // image, document
    [JsonPropertyName("source")] public BlockSource? Source { get; init; }

    [JsonPropertyName("title")] public string? Title { get; init; }

    // tool_use, server_tool_use
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("input")] public JsonElement Input { get; init; }

    // tool_result, web_search_tool_result
    [JsonPropertyName("tool_use_id")] public string? ToolUseId { get; init; }

    [JsonPropertyName("content")]
    [JsonConverter(typeof(ContentListConverter))]
    public IReadOnlyList<ContentBlock>? Content { get; init; }

    [JsonPropertyName("is_error")] public bool? IsError { get; init; }

    // thinking, redacted_thinking
    [JsonPropertyName("thinking")] public string? Thinking { get; init; }

    [JsonPropertyName("signature")] public string? Signature { get; init; }

    [JsonPropertyName("data")] public string? Data { get; init; }

    // tool_reference (tool search: the result that loads a deferred tool)
    [JsonPropertyName("tool_name")] public string? ToolName { get; init; }

    /// <summary>cache_control, citations and any field this proxy does not use.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>The <c>source</c> of an image or document block.</summary>
internal sealed record BlockSource
{
    /// <summary><c>base64</c>, <c>url</c>, <c>text</c>, <c>content</c> or <c>file</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("media_type")] public string? MediaType { get; init; }

    /// <summary>Base64 (an image or PDF, often hundreds of KB) or a text document's text: kept as the client's bytes.</summary>
    [JsonPropertyName("data")] public RawJsonString? Data { get; init; }

    [JsonPropertyName("url")] public string? Url { get; init; }

    [JsonPropertyName("file_id")] public string? FileId { get; init; }

    [JsonPropertyName("content")]
    [JsonConverter(typeof(ContentListConverter))]
    public IReadOnlyList<ContentBlock>? Content { get; init; }
}
