using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// One upstream SSE event, read flat: which fields are set depends on <see cref="Type"/>
/// (<c>response.created</c>, <c>response.output_item.added</c>, <c>response.output_text.delta</c>, …).
/// Unknown event types deserialise fine and are ignored by the translator.
/// </summary>
internal sealed record CodexStreamEvent
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("sequence_number")] public long? SequenceNumber { get; init; }

    /// <summary>On <c>response.created</c>, <c>.completed</c>, <c>.failed</c>, <c>.incomplete</c>.</summary>
    [JsonPropertyName("response")] public CodexResponse? Response { get; init; }

    /// <summary>On <c>response.output_item.added</c> and <c>.done</c>.</summary>
    [JsonPropertyName("item")] public CodexOutputItem? Item { get; init; }

    [JsonPropertyName("output_index")] public int? OutputIndex { get; init; }

    [JsonPropertyName("item_id")] public string? ItemId { get; init; }

    [JsonPropertyName("content_index")] public int? ContentIndex { get; init; }

    [JsonPropertyName("summary_index")] public int? SummaryIndex { get; init; }

    /// <summary>Text, summary, argument or custom-tool-input delta.</summary>
    [JsonPropertyName("delta")] public string? Delta { get; init; }

    /// <summary>Full text on <c>*.done</c> events.</summary>
    [JsonPropertyName("text")] public string? Text { get; init; }

    [JsonPropertyName("arguments")] public string? Arguments { get; init; }

    /// <summary>On the <c>error</c> event (nested shape).</summary>
    [JsonPropertyName("error")] public CodexError? Error { get; init; }

    /// <summary>On the <c>error</c> event (flat shape).</summary>
    [JsonPropertyName("code")] public string? Code { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }

    /// <summary>On <c>response.content_part.*</c> and <c>response.reasoning_summary_part.*</c>; read only to relay
    /// the event on <c>/v1/responses</c>.</summary>
    [JsonPropertyName("part")] public CodexOutputContent? Part { get; init; }
}

internal sealed record CodexResponse
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    /// <summary><c>in_progress</c>, <c>completed</c>, <c>failed</c>, <c>incomplete</c>.</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }

    [JsonPropertyName("model")] public string? Model { get; init; }

    [JsonPropertyName("usage")] public CodexUsage? Usage { get; init; }

    [JsonPropertyName("error")] public CodexError? Error { get; init; }

    [JsonPropertyName("incomplete_details")] public CodexIncompleteDetails? IncompleteDetails { get; init; }
}

internal sealed record CodexIncompleteDetails
{
    /// <summary><c>max_output_tokens</c> or <c>content_filter</c>.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }
}

internal sealed record CodexUsage
{
    /// <summary>Includes the cached tokens.</summary>
    [JsonPropertyName("input_tokens")] public int InputTokens { get; init; }

    [JsonPropertyName("input_tokens_details")] public CodexInputTokensDetails? InputTokensDetails { get; init; }

    /// <summary>Includes the reasoning tokens.</summary>
    [JsonPropertyName("output_tokens")] public int OutputTokens { get; init; }

    [JsonPropertyName("output_tokens_details")] public CodexOutputTokensDetails? OutputTokensDetails { get; init; }

    [JsonPropertyName("total_tokens")] public int TotalTokens { get; init; }
}

internal sealed record CodexInputTokensDetails
{
    [JsonPropertyName("cached_tokens")] public int CachedTokens { get; init; }
}

internal sealed record CodexOutputTokensDetails
{
    [JsonPropertyName("reasoning_tokens")] public int ReasoningTokens { get; init; }
}

/// <summary>An error object, from an HTTP error body, <c>response.failed</c> or an <c>error</c> event.</summary>
internal sealed record CodexError
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("code")] public string? Code { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }

    [JsonPropertyName("param")] public string? Param { get; init; }

    [JsonPropertyName("plan_type")] public string? PlanType { get; init; }

    /// <summary>Epoch seconds.</summary>
    [JsonPropertyName("resets_at")] public long? ResetsAt { get; init; }

    [JsonPropertyName("resets_in_seconds")] public long? ResetsInSeconds { get; init; }
}

/// <summary>An output item: <c>message</c>, <c>reasoning</c>, <c>function_call</c>, <c>web_search_call</c>, …</summary>
internal sealed record CodexOutputItem
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("status")] public string? Status { get; init; }

    [JsonPropertyName("role")] public string? Role { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("call_id")] public string? CallId { get; init; }

    [JsonPropertyName("arguments")] public string? Arguments { get; init; }

    /// <summary>Message parts (<c>output_text</c>, <c>refusal</c>).</summary>
    [JsonPropertyName("content")] public IReadOnlyList<CodexOutputContent>? Content { get; init; }

    /// <summary>Reasoning summary parts.</summary>
    [JsonPropertyName("summary")] public IReadOnlyList<CodexOutputContent>? Summary { get; init; }

    [JsonPropertyName("encrypted_content")] public string? EncryptedContent { get; init; }

    /// <summary>Web search action: <c>{"type":"search","query":…}</c>, <c>open_page</c>, <c>find_in_page</c>.</summary>
    [JsonPropertyName("action")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Action { get; init; }

    /// <summary>Fields of other item types (<c>input</c>, <c>phase</c>, <c>output</c>, …), kept for relaying.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Passthrough { get; set; }
}

internal sealed record CodexOutputContent
{
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("text")] public string? Text { get; init; }

    [JsonPropertyName("refusal")] public string? Refusal { get; init; }

    /// <summary><c>annotations</c>, <c>logprobs</c>, …, kept for relaying.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Passthrough { get; set; }
}
