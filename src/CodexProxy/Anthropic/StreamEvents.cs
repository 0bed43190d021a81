using System.Text.Json.Serialization;

namespace CodexProxy.Anthropic;

/// <summary>One Anthropic SSE event. The SSE <c>event:</c> name equals the JSON <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MessageStartEvent), "message_start")]
[JsonDerivedType(typeof(ContentBlockStartEvent), "content_block_start")]
[JsonDerivedType(typeof(ContentBlockDeltaEvent), "content_block_delta")]
[JsonDerivedType(typeof(ContentBlockStopEvent), "content_block_stop")]
[JsonDerivedType(typeof(MessageDeltaEvent), "message_delta")]
[JsonDerivedType(typeof(MessageStopEvent), "message_stop")]
[JsonDerivedType(typeof(PingEvent), "ping")]
[JsonDerivedType(typeof(ErrorEvent), "error")]
internal abstract record StreamEvent
{
    [JsonIgnore] public abstract string EventName { get; }
}

internal sealed record MessageStartEvent([property: JsonPropertyName("message")] AnthropicMessage Message) : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "message_start";
}

internal sealed record ContentBlockStartEvent(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("content_block")] ResponseBlock ContentBlock) : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "content_block_start";
}

internal sealed record ContentBlockDeltaEvent(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] BlockDelta Delta) : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "content_block_delta";
}

internal sealed record ContentBlockStopEvent([property: JsonPropertyName("index")] int Index) : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "content_block_stop";
}

internal sealed record MessageDeltaEvent(
    [property: JsonPropertyName("delta")] MessageDelta Delta,
    [property: JsonPropertyName("usage")] AnthropicUsage Usage) : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "message_delta";
}

internal sealed record MessageDelta(
    [property: JsonPropertyName("stop_reason")] string StopReason,
    [property: JsonPropertyName("stop_sequence")][property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StopSequence = null);

internal sealed record MessageStopEvent : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "message_stop";
}

internal sealed record PingEvent : StreamEvent
{
    public static readonly PingEvent Instance = new();

    [JsonIgnore]
    public override string EventName => "ping";
}

internal sealed record ErrorEvent([property: JsonPropertyName("error")] ErrorDetail Error) : StreamEvent
{
    [JsonIgnore]
    public override string EventName => "error";
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextDelta), "text_delta")]
[JsonDerivedType(typeof(InputJsonDelta), "input_json_delta")]
[JsonDerivedType(typeof(ThinkingDelta), "thinking_delta")]
[JsonDerivedType(typeof(SignatureDelta), "signature_delta")]
internal abstract record BlockDelta;

internal sealed record TextDelta([property: JsonPropertyName("text")] string Text) : BlockDelta;

internal sealed record InputJsonDelta([property: JsonPropertyName("partial_json")] string PartialJson) : BlockDelta;

internal sealed record ThinkingDelta([property: JsonPropertyName("thinking")] string Thinking) : BlockDelta;

internal sealed record SignatureDelta([property: JsonPropertyName("signature")] string Signature) : BlockDelta;
