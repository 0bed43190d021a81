using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.IO;

namespace CodexProxy.Anthropic;

/// <summary>The body of <c>POST /v1/messages</c>. Fields Codex cannot honour (temperature, top_p, top_k,
/// max_tokens, stop_sequences, context_management, …) are read but never forwarded.</summary>
internal sealed record MessagesRequest
{
    [JsonPropertyName("model")] public string? Model { get; init; }

    [JsonPropertyName("messages")] public IReadOnlyList<InputMessage>? Messages { get; init; }

    /// <summary>A string or an array of text blocks; normalised to blocks.</summary>
    [JsonPropertyName("system")]
    [JsonConverter(typeof(ContentListConverter))]
    public IReadOnlyList<ContentBlock>? System { get; init; }

    [JsonPropertyName("tools")] public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    [JsonPropertyName("tool_choice")] public ToolChoice? ToolChoice { get; init; }

    [JsonPropertyName("metadata")] public RequestMetadata? Metadata { get; init; }

    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

    [JsonPropertyName("thinking")] public ThinkingConfig? Thinking { get; init; }

    [JsonPropertyName("output_config")] public OutputConfig? OutputConfig { get; init; }

    [JsonPropertyName("stream")] public bool? Stream { get; init; }

    /// <summary>Everything else the client sent (temperature, top_p, context_management, …).</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record InputMessage
{
    /// <summary><c>user</c>, <c>assistant</c>, or <c>system</c> (Claude Code's mid-conversation system entries).</summary>
    [JsonPropertyName("role")] public string? Role { get; init; }

    /// <summary>A string or an array of blocks; normalised to blocks.</summary>
    [JsonPropertyName("content")]
    [JsonConverter(typeof(ContentListConverter))]
    public IReadOnlyList<ContentBlock>? Content { get; init; }

    /// <summary>On Claude Code's <c>system</c> entries: the settings (effort) from this point of the conversation on.</summary>
    [JsonPropertyName("output_config")] public OutputConfig? OutputConfig { get; init; }

    /// <summary>Anything newer on a message; read so that it never fails the request.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record ToolDefinition
{
    /// <summary>Absent for custom tools; set for server tools such as <c>web_search_20250305</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("description")] public RawJsonString? Description { get; init; }

    [JsonPropertyName("input_schema")] public JsonElement InputSchema { get; init; }

    /// <summary>Tool search: the tool is only usable once a <c>tool_reference</c> block in the conversation names it.</summary>
    [JsonPropertyName("defer_loading")] public bool? DeferLoading { get; init; }

    /// <summary>Server-tool settings (max_uses, allowed_domains, user_location, …) and anything newer.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

internal sealed record ToolChoice
{
    /// <summary><c>auto</c>, <c>any</c>, <c>tool</c> or <c>none</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("disable_parallel_tool_use")] public bool? DisableParallelToolUse { get; init; }
}

internal sealed record RequestMetadata
{
    /// <summary>Claude Code sends a JSON-encoded string holding <c>device_id</c>, <c>account_uuid</c> and <c>session_id</c>.</summary>
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
}

internal sealed record ThinkingConfig
{
    /// <summary><c>enabled</c>, <c>adaptive</c> or <c>disabled</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("budget_tokens")] public int? BudgetTokens { get; init; }

    /// <summary><c>omitted</c>: thinking blocks carry only their signature, no text. Other values show the text.</summary>
    [JsonPropertyName("display")] public string? Display { get; init; }
}

internal sealed record OutputConfig
{
    /// <summary><c>low</c>, <c>medium</c>, <c>high</c>, <c>max</c>, …</summary>
    [JsonPropertyName("effort")] public string? Effort { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
