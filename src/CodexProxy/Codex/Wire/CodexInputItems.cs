using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CodexProxy.IO;

namespace CodexProxy.Codex.Wire;

/// <summary>One entry of the Codex <c>input</c> array. Conversation item ids are never sent (<c>store:false</c> keeps
/// nothing); only <c>additional_tools</c> carries one, stable per conversation.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CodexMessageItem), "message")]
[JsonDerivedType(typeof(CodexReasoningItem), "reasoning")]
[JsonDerivedType(typeof(CodexFunctionCallItem), "function_call")]
[JsonDerivedType(typeof(CodexFunctionCallOutputItem), "function_call_output")]
[JsonDerivedType(typeof(CodexAdditionalToolsItem), "additional_tools")]
[JsonDerivedType(typeof(CodexPassthroughItem))]
internal abstract record CodexInputItem;

/// <summary>An item a <c>/v1/responses</c> client sent, written back exactly as it came (its own <c>type</c>
/// included): the Responses API has more item types than this proxy models, and the backend knows them all.</summary>
internal sealed record CodexPassthroughItem : CodexInputItem
{
    [JsonExtensionData] public Dictionary<string, JsonElement> Fields { get; set; } = [];
}

/// <summary>The Responses-lite shape's tool declaration: a <c>developer</c> item that makes <see cref="Tools"/>
/// available from its position on (the first item of the input, and one more wherever tools are loaded later).</summary>
internal sealed record CodexAdditionalToolsItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tools")][property: JsonPropertyOrder(1)] IReadOnlyList<CodexTool> Tools) : CodexInputItem
{
    [JsonPropertyName("role")] public string Role { get; init; } = "developer";
}

/// <summary><see cref="Role"/> is <c>user</c>, <c>assistant</c> or <c>developer</c>; never <c>system</c>.</summary>
internal sealed record CodexMessageItem(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] IReadOnlyList<CodexContentPart> Content) : CodexInputItem;

internal sealed record CodexReasoningItem : CodexInputItem
{
    [JsonPropertyName("summary")] public IReadOnlyList<CodexSummaryText> Summary { get; init; } = [];

    /// <summary>Always <c>null</c> on replay, as the official client sends it.</summary>
    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Content { get; init; }

    [JsonPropertyName("encrypted_content")] public required string EncryptedContent { get; init; }
}

internal sealed record CodexSummaryText([property: JsonPropertyName("text")] string Text)
{
    [JsonPropertyName("type")][JsonPropertyOrder(-1)] public string Type { get; init; } = "summary_text";
}

/// <summary><see cref="Arguments"/> is a JSON document as a string.</summary>
internal sealed record CodexFunctionCallItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments")] string Arguments,
    [property: JsonPropertyName("call_id")] string CallId) : CodexInputItem
{
    /// <summary>A call in the history has been made; the official client replays it with this status.</summary>
    [JsonPropertyName("status")][JsonPropertyOrder(-1)] public string Status { get; init; } = "completed";
}

internal sealed record CodexFunctionCallOutputItem(
    [property: JsonPropertyName("call_id")] string CallId,
    [property: JsonPropertyName("output")] CodexFunctionOutput Output) : CodexInputItem;

/// <summary>A function output: plain text, or content parts (text and images).</summary>
[JsonConverter(typeof(CodexFunctionOutputConverter))]
internal sealed record CodexFunctionOutput
{
    public RawJsonString? Text { get; init; }

    public IReadOnlyList<CodexContentPart>? Parts { get; init; }
}

internal sealed class CodexFunctionOutputConverter : JsonConverter<CodexFunctionOutput>
{
    public override CodexFunctionOutput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new CodexFunctionOutput { Text = RawJsonString.Read(ref reader) }
            : new CodexFunctionOutput { Parts = JsonSerializer.Deserialize(ref reader, CodexJsonContext.Default.IReadOnlyListCodexContentPart) };

    public override void Write(Utf8JsonWriter writer, CodexFunctionOutput value, JsonSerializerOptions options)
    {
        if (value.Parts is null)
        {
            // Through the options' own converter for the text: the normalising one where a context adds it.
            JsonSerializer.Serialize(writer, value.Text ?? RawJsonString.Empty, (JsonTypeInfo<RawJsonString>)options.GetTypeInfo(typeof(RawJsonString)));
            return;
        }

        JsonSerializer.Serialize(writer, value.Parts, CodexJsonContext.Default.IReadOnlyListCodexContentPart);
    }
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CodexInputText), "input_text")]
[JsonDerivedType(typeof(CodexOutputText), "output_text")]
[JsonDerivedType(typeof(CodexInputImage), "input_image")]
[JsonDerivedType(typeof(CodexInputFile), "input_file")]
internal abstract record CodexContentPart;

/// <summary><see cref="Text"/> is usually a client's text as it came (see <see cref="RawJsonString"/>).</summary>
internal sealed record CodexInputText([property: JsonPropertyName("text")] RawJsonString Text) : CodexContentPart;

internal sealed record CodexOutputText([property: JsonPropertyName("text")] RawJsonString Text) : CodexContentPart;

/// <summary><see cref="ImageUrl"/> is a <c>data:</c> URL or an https URL.</summary>
internal sealed record CodexInputImage(
    [property: JsonPropertyName("image_url")] RawJsonString ImageUrl,
    [property: JsonPropertyName("detail")] string? Detail = null) : CodexContentPart;

/// <summary><see cref="FileData"/> is a <c>data:application/pdf;base64,…</c> URL.</summary>
internal sealed record CodexInputFile(
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("file_data")] RawJsonString FileData) : CodexContentPart;
