using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.IO;

namespace CodexProxy.Codex.Wire;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CodexFunctionTool), "function")]
[JsonDerivedType(typeof(CodexWebSearchTool), "web_search")]
[JsonDerivedType(typeof(CodexNamespaceTool), "namespace")]
[JsonDerivedType(typeof(CodexPassthroughTool))]
internal abstract record CodexTool;

/// <summary>A tool a <c>/v1/responses</c> client declared, written back exactly as it came (<c>custom</c>,
/// <c>local_shell</c>, a strict <c>function</c>, …).</summary>
internal sealed record CodexPassthroughTool : CodexTool
{
    [JsonExtensionData] public Dictionary<string, JsonElement> Fields { get; set; } = [];
}

/// <summary><see cref="Parameters"/> is the client's JSON schema, normalised but otherwise kept faithful. Written as
/// the official client writes it: <c>type, name, description, strict, parameters</c>.</summary>
internal sealed record CodexFunctionTool(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] RawJsonString? Description,
    [property: JsonPropertyName("parameters")][property: JsonPropertyOrder(1)][property: JsonConverter(typeof(RenderedJsonElementConverter))] JsonElement Parameters) : CodexTool
{
    /// <summary>Strict mode would demand every property be required; Claude Code's schemas are not written for it.</summary>
    [JsonPropertyName("strict")] public bool Strict { get; init; }
}

/// <summary>The hosted web search. Extra settings (filters, user_location, …) pass through unchanged.</summary>
internal sealed record CodexWebSearchTool : CodexTool
{
    [JsonExtensionData] public Dictionary<string, JsonElement>? Settings { get; set; }
}

/// <summary>A named group of tools; the Responses-lite shape puts the function tools in one called <c>functions</c>.</summary>
internal sealed record CodexNamespaceTool(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("tools")] IReadOnlyList<CodexTool> Tools) : CodexTool
{
    /// <summary>The namespace the official client puts its function tools in.</summary>
    public const string Functions = "functions";
}
