using System.Text.Json.Serialization;

namespace CodexProxy.Anthropic;

/// <summary><c>{"type":"error","error":{"type":…,"message":…}}</c>, the body of every error answer.</summary>
internal sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorDetail Error)
{
    [JsonPropertyName("type")][JsonPropertyOrder(-1)] public string Type { get; init; } = "error";
}

internal sealed record ErrorDetail(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message);
