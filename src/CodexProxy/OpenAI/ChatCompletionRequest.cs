using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.OpenAI;

/// <summary>The body of <c>POST /v1/chat/completions</c>, as far as the Codex backend can carry it. Sampling and
/// length parameters (<c>temperature</c>, <c>max_tokens</c>, …) are read only to be ignored: the backend rejects them.</summary>
internal sealed record ChatCompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; init; }

    [JsonPropertyName("messages")] public IReadOnlyList<ChatMessage?>? Messages { get; init; }

    [JsonPropertyName("tools")] public IReadOnlyList<ChatTool?>? Tools { get; init; }

    /// <summary><c>"auto"</c>, <c>"none"</c>, <c>"required"</c> or <c>{"type":"function","function":{"name":…}}</c>.</summary>
    [JsonPropertyName("tool_choice")] public JsonElement ToolChoice { get; init; }

    [JsonPropertyName("parallel_tool_calls")] public bool? ParallelToolCalls { get; init; }

    [JsonPropertyName("reasoning_effort")] public string? ReasoningEffort { get; init; }

    [JsonPropertyName("verbosity")] public string? Verbosity { get; init; }

    /// <summary><c>{"type":"text"}</c>, <c>{"type":"json_object"}</c> or <c>{"type":"json_schema","json_schema":{…}}</c>.</summary>
    [JsonPropertyName("response_format")] public JsonElement ResponseFormat { get; init; }

    [JsonPropertyName("stream")] public bool? Stream { get; init; }

    [JsonPropertyName("stream_options")] public ChatStreamOptions? StreamOptions { get; init; }

    [JsonPropertyName("n")] public int? N { get; init; }

    [JsonPropertyName("modalities")] public IReadOnlyList<string>? Modalities { get; init; }

    [JsonPropertyName("prompt_cache_key")] public string? PromptCacheKey { get; init; }

    /// <summary>Whatever else was sent (<c>temperature</c>, <c>max_tokens</c>, <c>user</c>, …): ignored.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }
}

internal sealed record ChatStreamOptions
{
    [JsonPropertyName("include_usage")] public bool? IncludeUsage { get; init; }
}

/// <summary>One message: <c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
internal sealed record ChatMessage
{
    [JsonPropertyName("role")] public string? Role { get; init; }

    /// <summary>A string, an array of content parts, or null (an assistant message with only tool calls).</summary>
    [JsonPropertyName("content")] public JsonElement Content { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("tool_calls")] public IReadOnlyList<ChatToolCall?>? ToolCalls { get; init; }

    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; init; }

    [JsonPropertyName("refusal")] public string? Refusal { get; init; }
}

internal sealed record ChatToolCall
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("function")] public ChatFunctionCall? Function { get; init; }
}

/// <summary><see cref="Arguments"/> is a JSON document as a string.</summary>
internal sealed record ChatFunctionCall
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("arguments")] public string? Arguments { get; init; }
}

internal sealed record ChatTool
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("function")] public ChatFunctionDefinition? Function { get; init; }
}

internal sealed record ChatFunctionDefinition
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("description")] public string? Description { get; init; }

    [JsonPropertyName("parameters")] public JsonElement Parameters { get; init; }

    [JsonPropertyName("strict")] public bool? Strict { get; init; }
}
