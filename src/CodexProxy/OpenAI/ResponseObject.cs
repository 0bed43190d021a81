using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.OpenAI;

/// <summary>
/// A Responses API <c>response</c> object, as <c>/v1/responses</c> answers it without streaming and inside the
/// <c>response.created</c>, <c>.in_progress</c>, <c>.completed</c>, <c>.incomplete</c> and <c>.failed</c> events.
/// Output items are relayed as the backend produced them; the request's own settings are echoed back.
/// </summary>
internal sealed record ResponseObject
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("object")] public string Object { get; init; } = "response";

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("created_at")] public long CreatedAt { get; init; }

    /// <summary><c>in_progress</c>, <c>completed</c>, <c>incomplete</c> or <c>failed</c>.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }

    [JsonPropertyName("error")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public ResponseError? Error { get; init; }

    [JsonPropertyName("incomplete_details")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public ResponseIncompleteDetails? IncompleteDetails { get; init; }

    [JsonPropertyName("instructions")] public string? Instructions { get; init; }

    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("output")] public IReadOnlyList<JsonElement> Output { get; init; } = [];

    [JsonPropertyName("parallel_tool_calls")] public bool ParallelToolCalls { get; init; } = true;

    [JsonPropertyName("previous_response_id")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? PreviousResponseId { get; init; }

    [JsonPropertyName("reasoning")] public JsonElement? Reasoning { get; init; }

    /// <summary>Always false: the ChatGPT Codex backend keeps nothing.</summary>
    [JsonPropertyName("store")] public bool Store { get; init; }

    [JsonPropertyName("text")] public JsonElement? Text { get; init; }

    [JsonPropertyName("tool_choice")] public JsonElement? ToolChoice { get; init; }

    [JsonPropertyName("tools")] public JsonElement? Tools { get; init; }

    [JsonPropertyName("usage")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public ResponseUsage? Usage { get; init; }

    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
}

internal sealed record ResponseError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

internal sealed record ResponseIncompleteDetails([property: JsonPropertyName("reason")] string? Reason);

internal sealed record ResponseUsage(
    [property: JsonPropertyName("input_tokens")] int InputTokens,
    [property: JsonPropertyName("input_tokens_details")] ResponseInputTokensDetails InputTokensDetails,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    [property: JsonPropertyName("output_tokens_details")] ResponseOutputTokensDetails OutputTokensDetails,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

internal sealed record ResponseInputTokensDetails([property: JsonPropertyName("cached_tokens")] int CachedTokens);

internal sealed record ResponseOutputTokensDetails([property: JsonPropertyName("reasoning_tokens")] int ReasoningTokens);

/// <summary>One event of a streamed <c>/v1/responses</c> answer: its <c>type</c> (also the SSE <c>event:</c> name)
/// and its JSON.</summary>
/// <param name="Response">For lifecycle events, the response object the data carries.</param>
internal sealed record ResponseStreamEvent(string Type, JsonElement Data, ResponseObject? Response = null);

/// <summary>A lifecycle event (<c>response.created</c>, …, <c>response.failed</c>).</summary>
internal sealed record ResponseLifecycleEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("sequence_number")] long SequenceNumber,
    [property: JsonPropertyName("response")] ResponseObject Response);

/// <summary>The stream-level <c>error</c> event; openai-dotnet surfaces it as <c>StreamingResponseErrorUpdate</c>.</summary>
internal sealed record ResponseErrorEvent(
    [property: JsonPropertyName("sequence_number")] long SequenceNumber,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("param")][property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param)
{
    [JsonPropertyName("type")][JsonPropertyOrder(-1)] public string Type { get; init; } = "error";
}
