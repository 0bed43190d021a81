using System.Text.Json.Serialization;

namespace CodexProxy.OpenAI;

/// <summary>An OpenAI-shaped error body: <c>{"error":{"message","type","param","code"}}</c>. Also the payload of a
/// failure inside a Chat Completions stream, where the OpenAI SDKs look for an <c>error</c> member.</summary>
internal sealed record OpenAIErrorResponse([property: JsonPropertyName("error")] OpenAIErrorDetail Error);

/// <summary><see cref="Param"/> and <see cref="Code"/> are written as null when unset, as the OpenAI API does.</summary>
internal sealed record OpenAIErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")][property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonPropertyName("code")][property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>A request OpenAI's API would refuse with a 400 naming the parameter (<c>param</c>) and why (<c>code</c>).</summary>
internal sealed class OpenAIRequestException(string message, string? param, string? code = null) : Exception(message)
{
    public string? Param { get; } = param;

    public string? Code { get; } = code;
}
