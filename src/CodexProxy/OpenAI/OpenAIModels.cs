using System.Text.Json.Serialization;

namespace CodexProxy.OpenAI;

/// <summary><c>GET /v1/models</c> as the OpenAI SDKs read it.</summary>
internal sealed record OpenAIModelList([property: JsonPropertyName("data")] IReadOnlyList<OpenAIModel> Data)
{
    [JsonPropertyName("object")][JsonPropertyOrder(-1)] public string Object { get; init; } = "list";
}

/// <param name="Created">Unix seconds.</param>
internal sealed record OpenAIModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy)
{
    [JsonPropertyName("object")][JsonPropertyOrder(1)] public string Object { get; init; } = "model";
}
