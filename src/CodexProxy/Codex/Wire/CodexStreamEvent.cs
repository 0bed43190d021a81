using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// One upstream SSE event, read flat: which fields are set depends on <see cref="Type"/>
/// (<c>response.created</c>, <c>response.output_item.added</c>, <c>response.output_text.delta</c>, …).
/// Unknown event types deserialise fine and are ignored by the translator.
/// <para>The event types have setters, not <c>init</c>: the source-generated serializer reads init-only members
/// through its constructor path (arguments collected, then an object initializer), which took about a third more of the
/// CPU on the events of every stream. An event is read once and never shared.</para>
/// </summary>
internal sealed record CodexStreamEvent
{
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("sequence_number")] public long? SequenceNumber { get; set; }

    /// <summary>On <c>response.created</c>, <c>.completed</c>, <c>.failed</c>, <c>.incomplete</c>.</summary>
    [JsonPropertyName("response")] public CodexResponse? Response { get; set; }

    /// <summary>On <c>response.output_item.added</c> and <c>.done</c>.</summary>
    [JsonPropertyName("item")] public CodexOutputItem? Item { get; set; }

    [JsonPropertyName("output_index")] public int? OutputIndex { get; set; }

    [JsonPropertyName("item_id")] public string? ItemId { get; set; }

    [JsonPropertyName("content_index")] public int? ContentIndex { get; set; }

    [JsonPropertyName("summary_index")] public int? SummaryIndex { get; set; }

    /// <summary>Text, summary, argument or custom-tool-input delta.</summary>
    [JsonPropertyName("delta")] public string? Delta { get; set; }

    /// <summary>Full text on <c>*.done</c> events.</summary>
    [JsonPropertyName("text")] public string? Text { get; set; }

    [JsonPropertyName("arguments")] public string? Arguments { get; set; }

    /// <summary>On the <c>error</c> event (nested shape).</summary>
    [JsonPropertyName("error")] public CodexError? Error { get; set; }

    /// <summary>On the <c>error</c> event (flat shape).</summary>
    [JsonPropertyName("code")] public string? Code { get; set; }

    [JsonPropertyName("message")] public string? Message { get; set; }

    /// <summary>On <c>response.content_part.*</c> and <c>response.reasoning_summary_part.*</c>; read only to relay
    /// the event on <c>/v1/responses</c>.</summary>
    [JsonPropertyName("part")] public CodexOutputContent? Part { get; set; }
}

internal sealed record CodexResponse
{
    [JsonPropertyName("id")] public string? Id { get; set; }

    /// <summary><c>in_progress</c>, <c>completed</c>, <c>failed</c>, <c>incomplete</c>.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("model")] public string? Model { get; set; }

    [JsonPropertyName("usage")] public CodexUsage? Usage { get; set; }

    [JsonPropertyName("error")] public CodexError? Error { get; set; }

    [JsonPropertyName("incomplete_details")] public CodexIncompleteDetails? IncompleteDetails { get; set; }
}

internal sealed record CodexIncompleteDetails
{
    /// <summary><c>max_output_tokens</c> or <c>content_filter</c>.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; set; }
}

internal sealed record CodexUsage
{
    /// <summary>Includes the cached tokens.</summary>
    [JsonPropertyName("input_tokens")] public int InputTokens { get; set; }

    [JsonPropertyName("input_tokens_details")] public CodexInputTokensDetails? InputTokensDetails { get; set; }

    /// <summary>Includes the reasoning tokens.</summary>
    [JsonPropertyName("output_tokens")] public int OutputTokens { get; set; }

    [JsonPropertyName("output_tokens_details")] public CodexOutputTokensDetails? OutputTokensDetails { get; set; }

    [JsonPropertyName("total_tokens")] public int TotalTokens { get; set; }
}

internal sealed record CodexInputTokensDetails
{
    [JsonPropertyName("cached_tokens")] public int CachedTokens { get; set; }
}

internal sealed record CodexOutputTokensDetails
{
    [JsonPropertyName("reasoning_tokens")] public int ReasoningTokens { get; set; }
}

/// <summary>An error object, from an HTTP error body, <c>response.failed</c> or an <c>error</c> event.</summary>
internal sealed record CodexError
{
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("code")] public string? Code { get; set; }

    [JsonPropertyName("message")] public string? Message { get; set; }

    [JsonPropertyName("param")] public string? Param { get; set; }

    [JsonPropertyName("plan_type")] public string? PlanType { get; set; }

    /// <summary>Epoch seconds.</summary>
    [JsonPropertyName("resets_at")] public long? ResetsAt { get; set; }

    [JsonPropertyName("resets_in_seconds")] public long? ResetsInSeconds { get; set; }
}

/// <summary>An output item: <c>message</c>, <c>reasoning</c>, <c>function_call</c>, <c>web_search_call</c>, …</summary>
internal sealed record CodexOutputItem
{
    [JsonPropertyName("id")] public string? Id { get; set; }

    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("role")] public string? Role { get; set; }

    [JsonPropertyName("name")] public string? Name { get; set; }

    [JsonPropertyName("call_id")] public string? CallId { get; set; }

    [JsonPropertyName("arguments")] public string? Arguments { get; set; }

    /// <summary>Message parts (<c>output_text</c>, <c>refusal</c>).</summary>
    [JsonPropertyName("content")] public IReadOnlyList<CodexOutputContent>? Content { get; set; }

    /// <summary>Reasoning summary parts.</summary>
    [JsonPropertyName("summary")] public IReadOnlyList<CodexOutputContent>? Summary { get; set; }

    [JsonPropertyName("encrypted_content")] public string? EncryptedContent { get; set; }

    /// <summary>Web search action: <c>{"type":"search","query":…}</c>, <c>open_page</c>, <c>find_in_page</c>.</summary>
    [JsonPropertyName("action")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Action { get; set; }

    /// <summary>Fields of other item types (<c>input</c>, <c>phase</c>, <c>output</c>, …), kept for relaying.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Passthrough { get; set; }
}

internal sealed record CodexOutputContent
{
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("text")] public string? Text { get; set; }

    [JsonPropertyName("refusal")] public string? Refusal { get; set; }

    /// <summary><c>annotations</c>, <c>logprobs</c>, …, kept for relaying.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Passthrough { get; set; }
}
