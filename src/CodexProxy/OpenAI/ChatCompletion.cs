using System.Text.Json.Serialization;

namespace CodexProxy.OpenAI;

/// <summary>The non-streaming answer of <c>/v1/chat/completions</c>.</summary>
internal sealed record ChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChoice> Choices,
    [property: JsonPropertyName("usage")] ChatUsage? Usage)
{
    [JsonPropertyName("object")][JsonPropertyOrder(-1)] public string Object { get; init; } = "chat.completion";
}

internal sealed record ChatChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatResponseMessage Message,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

internal sealed record ChatResponseMessage
{
    [JsonPropertyName("role")] public string Role { get; init; } = "assistant";

    /// <summary>Null (not omitted) when the model only called tools, as the OpenAI API answers.</summary>
    [JsonPropertyName("content")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Content { get; init; }

    [JsonPropertyName("refusal")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Refusal { get; init; }

    [JsonPropertyName("tool_calls")] public IReadOnlyList<ChatToolCallOut>? ToolCalls { get; init; }
}

internal sealed record ChatToolCallOut(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("function")] ChatFunctionCallOut Function)
{
    [JsonPropertyName("type")][JsonPropertyOrder(1)] public string Type { get; init; } = "function";
}

internal sealed record ChatFunctionCallOut(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments")] string Arguments);

/// <summary>One <c>chat.completion.chunk</c> of a streamed answer.</summary>
internal sealed record ChatCompletionChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChunkChoice> Choices)
{
    [JsonPropertyName("object")][JsonPropertyOrder(-1)] public string Object { get; init; } = "chat.completion.chunk";

    /// <summary>Only on the last chunk, and only with <c>stream_options.include_usage</c>.</summary>
    [JsonPropertyName("usage")][JsonPropertyOrder(1)] public ChatUsage? Usage { get; init; }
}

internal sealed record ChatChunkChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] ChatDelta Delta,
    [property: JsonPropertyName("finish_reason")][property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

internal sealed record ChatDelta
{
    public static readonly ChatDelta Empty = new();

    [JsonPropertyName("role")] public string? Role { get; init; }

    [JsonPropertyName("content")] public string? Content { get; init; }

    [JsonPropertyName("refusal")] public string? Refusal { get; init; }

    [JsonPropertyName("tool_calls")] public IReadOnlyList<ChatToolCallDelta>? ToolCalls { get; init; }
}

/// <summary>The first delta of a call carries its id, type and name; later ones only argument text.</summary>
internal sealed record ChatToolCallDelta(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("function")] ChatFunctionDelta Function)
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("type")] public string? Type { get; init; }
}

internal sealed record ChatFunctionDelta(
    [property: JsonPropertyName("arguments")] string Arguments)
{
    [JsonPropertyName("name")][JsonPropertyOrder(-1)] public string? Name { get; init; }
}

/// <summary>Token counts; <c>prompt_tokens</c> includes the cached ones, <c>completion_tokens</c> the reasoning ones.</summary>
internal sealed record ChatUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens,
    [property: JsonPropertyName("prompt_tokens_details")] ChatPromptTokensDetails PromptTokensDetails,
    [property: JsonPropertyName("completion_tokens_details")] ChatCompletionTokensDetails CompletionTokensDetails);

internal sealed record ChatPromptTokensDetails([property: JsonPropertyName("cached_tokens")] int CachedTokens);

internal sealed record ChatCompletionTokensDetails([property: JsonPropertyName("reasoning_tokens")] int ReasoningTokens);
