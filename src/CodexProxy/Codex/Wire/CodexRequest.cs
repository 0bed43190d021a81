using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// The body of <c>POST {CODEX_BASE_URL}/codex/responses</c>. Property order is the serialisation order (the official
/// Codex CLI's) and stays fixed, so the same conversation gives the same prefix bytes turn after turn (prompt caching).
/// </summary>
internal sealed record CodexRequest
{
    /// <summary><c>response.create</c> on a WebSocket frame; absent from HTTP bodies.</summary>
    [JsonPropertyName("type")] public string? FrameType { get; init; }

    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("stream")] public bool Stream { get; init; } = true;

    /// <summary>Only on a WebSocket frame that continues the socket's last completed response (then <see cref="Input"/>
    /// holds only the items after it); never on HTTP, where nothing is stored.</summary>
    [JsonPropertyName("previous_response_id")] public string? PreviousResponseId { get; init; }

    /// <summary>Sent by this shape only when the backend insists on it (the Codex CLI sends none: its base prompt is
    /// the first <c>developer</c> input message).</summary>
    [JsonPropertyName("instructions")] public string? Instructions { get; init; }

    [JsonPropertyName("input")]
    [JsonConverter(typeof(InputItemsConverter))]
    public required IReadOnlyList<CodexInputItem> Input { get; init; }

    /// <summary>Null for the Responses-lite shape, whose tools travel in an <c>additional_tools</c> input item.</summary>
    [JsonPropertyName("tools")] public IReadOnlyList<CodexTool>? Tools { get; init; } = [];

    [JsonPropertyName("tool_choice")] public CodexToolChoice ToolChoice { get; init; } = CodexToolChoice.Auto;

    [JsonPropertyName("parallel_tool_calls")] public bool ParallelToolCalls { get; init; } = true;

    [JsonPropertyName("reasoning")] public CodexReasoning? Reasoning { get; init; }

    [JsonPropertyName("store")] public bool Store { get; init; }

    [JsonPropertyName("include")] public IReadOnlyList<string> Include { get; init; } = ["reasoning.encrypted_content"];

    [JsonPropertyName("prompt_cache_key")] public string? PromptCacheKey { get; init; }

    [JsonPropertyName("text")] public CodexTextOptions? Text { get; init; }

    /// <summary>Per-turn identity, as the official CLI sends it. Last on purpose: it changes every turn, and
    /// everything before it is the cacheable prefix. Filled in by the upstream client just before sending.</summary>
    [JsonPropertyName("client_metadata")] public CodexClientMetadata? ClientMetadata { get; init; }

    /// <summary>Fields a client of <c>/v1/responses</c> sent that this record does not model, passed on as they came
    /// (written after every modelled field).</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Passthrough { get; set; }

    /// <summary>The catalogue model uses the Responses-lite shape: the upstream client adds the
    /// <c>x-openai-internal-codex-responses-lite: true</c> header. Not part of the body.</summary>
    [JsonIgnore] public bool ResponsesLite { get; init; }

    /// <summary>The <c>developer</c> item in <see cref="Input"/> that carries the client's system prompt; the upstream
    /// pipeline moves it to <see cref="Instructions"/> when the backend insists on that field. Not part of the body.</summary>
    [JsonIgnore] public CodexMessageItem? SystemPrompt { get; init; }

    /// <summary>The catalogue's traits of <see cref="Model"/>, reported in the turn metadata. Not part of the body.</summary>
    [JsonIgnore] public CodexModelTraits ModelTraits { get; init; } = CodexModelTraits.Default;

    /// <summary>The size of the client's request this was mapped from (0 when unknown): the upstream body is about as
    /// large, so its buffer starts there instead of doubling its way up. Not part of the body.</summary>
    [JsonIgnore] public int ClientBodyBytes { get; init; }

    /// <summary>Upstream event types whose consumer looks at nothing but the type, so the event reader stops there:
    /// the <c>.done</c> events repeat every text in full, and content parts and <c>in_progress</c> are read by no
    /// one on the Messages API. The pipeline itself reads only errors, terminal events and
    /// <c>response.output_item.done</c>, which must never be listed. Not part of the body.</summary>
    [JsonIgnore] public CodexEventTypes EventsReadByTypeOnly { get; init; } = CodexEventTypes.None;
}

/// <summary>Catalogue fields of a model that the official client copies into its <c>x-codex-turn-metadata</c>.</summary>
internal sealed record CodexModelTraits(bool NodeReplAutoReviewRequired, bool NodeReplDisabled)
{
    public static readonly CodexModelTraits Default = new(NodeReplAutoReviewRequired: false, NodeReplDisabled: false);
}

/// <summary>The body's <c>client_metadata</c>: flat string values, the turn metadata as a JSON string.</summary>
internal sealed record CodexClientMetadata
{
    [JsonPropertyName("session_id")] public required string SessionId { get; init; }

    [JsonPropertyName("thread_id")] public required string ThreadId { get; init; }

    [JsonPropertyName("turn_id")] public required string TurnId { get; init; }

    /// <summary>The same as <see cref="TurnId"/>: a proxy turn has no parent turn.</summary>
    [JsonPropertyName("root_turn_id")] public required string RootTurnId { get; init; }

    [JsonPropertyName("x-codex-installation-id")] public required string InstallationId { get; init; }

    [JsonPropertyName("x-codex-window-id")] public required string WindowId { get; init; }

    [JsonPropertyName("x-codex-turn-metadata")] public required string TurnMetadata { get; init; }

    /// <summary>What the official client sends when no MCP server is attributed for the turn; the proxy never
    /// attributes one.</summary>
    [JsonPropertyName("mcp_attribution")] public string McpAttribution { get; init; } = """{"status":"none"}""";

    /// <summary>WebSocket frames only: when the frame was sent (Unix milliseconds, as a string).</summary>
    [JsonPropertyName("x-codex-ws-stream-request-start-ms")] public string? WebSocketRequestStartMs { get; init; }

    /// <summary>WebSocket frames only: the Responses-lite header, which a frame cannot carry, as metadata
    /// (<c>"true"</c> for lite models).</summary>
    [JsonPropertyName("ws_request_header_x_openai_internal_codex_responses_lite")] public string? WebSocketResponsesLite { get; init; }
}

internal sealed record CodexReasoning
{
    /// <summary><c>none</c>, <c>minimal</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c> (and <c>max</c>/<c>ultra</c> on newer models).</summary>
    [JsonPropertyName("effort")] public string? Effort { get; init; }

    /// <summary><c>auto</c> when thinking is shown; omitted otherwise.</summary>
    [JsonPropertyName("summary")] public string? Summary { get; init; }

    /// <summary><c>all_turns</c> on Responses-lite models, as the official client sends it.</summary>
    [JsonPropertyName("context")] public string? Context { get; init; }
}

internal sealed record CodexTextOptions
{
    [JsonPropertyName("verbosity")] public string? Verbosity { get; init; }

    /// <summary><c>format</c> (structured output) and whatever else a client sends, passed on as it came.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Passthrough { get; set; }
}

/// <summary><c>"auto"</c>, <c>"required"</c>, <c>"none"</c>, or <c>{"type":"function","name":…}</c>.</summary>
[JsonConverter(typeof(CodexToolChoiceConverter))]
internal sealed record CodexToolChoice
{
    public static readonly CodexToolChoice Auto = new() { Mode = "auto" };
    public static readonly CodexToolChoice Required = new() { Mode = "required" };
    public static readonly CodexToolChoice None = new() { Mode = "none" };

    /// <summary>Set for the string forms.</summary>
    public string? Mode { get; init; }

    /// <summary>Set to force one tool: <c>function</c> or <c>web_search</c>.</summary>
    public string? ToolType { get; init; }

    public string? FunctionName { get; init; }

    public static CodexToolChoice Function(string name) => new() { ToolType = "function", FunctionName = name };
}

internal sealed class CodexToolChoiceConverter : JsonConverter<CodexToolChoice>
{
    public override CodexToolChoice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new CodexToolChoice { Mode = reader.GetString() };
        }

        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return new CodexToolChoice
        {
            ToolType = root.TryGetProperty("type", out var type) ? type.GetString() : null,
            FunctionName = root.TryGetProperty("name", out var name) ? name.GetString() : null,
        };
    }

    public override void Write(Utf8JsonWriter writer, CodexToolChoice value, JsonSerializerOptions options)
    {
        if (value.Mode is not null)
        {
            writer.WriteStringValue(value.Mode);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", value.ToolType ?? "function");
        if (value.FunctionName is not null)
        {
            writer.WriteString("name", value.FunctionName);
        }

        writer.WriteEndObject();
    }
}
