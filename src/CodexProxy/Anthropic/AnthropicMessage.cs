using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Anthropic;

/// <summary>A complete assistant message: the non-streaming answer, and the <c>message</c> of <c>message_start</c>.</summary>
internal sealed record AnthropicMessage
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("type")] public string Type { get; init; } = "message";

    [JsonPropertyName("role")] public string Role { get; init; } = "assistant";

    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("content")] public IReadOnlyList<ResponseBlock> Content { get; init; } = [];

    [JsonPropertyName("stop_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; init; }

    [JsonPropertyName("stop_sequence")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; }

    [JsonPropertyName("usage")] public required AnthropicUsage Usage { get; init; }
}

internal sealed record AnthropicUsage
{
    [JsonPropertyName("input_tokens")] public int InputTokens { get; init; }

    [JsonPropertyName("output_tokens")] public int OutputTokens { get; init; }

    [JsonPropertyName("cache_creation_input_tokens")] public int CacheCreationInputTokens { get; init; }

    [JsonPropertyName("cache_read_input_tokens")] public int CacheReadInputTokens { get; init; }
}

/// <summary>A content block this proxy writes, in a message or a <c>content_block_start</c> event.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "text")]
[JsonDerivedType(typeof(ThinkingBlock), "thinking")]
[JsonDerivedType(typeof(ToolUseBlock), "tool_use")]
[JsonDerivedType(typeof(ServerToolUseBlock), "server_tool_use")]
[JsonDerivedType(typeof(WebSearchToolResultBlock), "web_search_tool_result")]
internal abstract record ResponseBlock;

internal sealed record TextBlock([property: JsonPropertyName("text")] string Text) : ResponseBlock;

internal sealed record ThinkingBlock(
    [property: JsonPropertyName("thinking")] string Thinking,
    [property: JsonPropertyName("signature")] string Signature) : ResponseBlock;

/// <summary><see cref="Input"/> is an empty object in <c>content_block_start</c>; arguments follow as deltas.</summary>
internal sealed record ToolUseBlock(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("input")] JsonElement Input) : ResponseBlock;

internal sealed record ServerToolUseBlock(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("input")] JsonElement Input) : ResponseBlock;

/// <summary><see cref="Content"/> is an array of <c>web_search_result</c> objects, or an error object.</summary>
internal sealed record WebSearchToolResultBlock(
    [property: JsonPropertyName("tool_use_id")] string ToolUseId,
    [property: JsonPropertyName("content")] JsonElement Content) : ResponseBlock;
