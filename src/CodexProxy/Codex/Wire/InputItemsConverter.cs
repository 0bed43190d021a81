using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// <see cref="CodexRequest.Input"/>: <see cref="RenderedInputItems"/> are written as the bytes they hold, any other
/// list as the serializer writes it (the same bytes, serialised again).
/// </summary>
internal sealed class InputItemsConverter : JsonConverter<IReadOnlyList<CodexInputItem>>
{
    public override IReadOnlyList<CodexInputItem>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, ListInfo(options));

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<CodexInputItem> value, JsonSerializerOptions options)
    {
        if (value is RenderedInputItems rendered && rendered.TryWriteTo(writer, options))
        {
            return;
        }

        JsonSerializer.Serialize(writer, value, ListInfo(options));
    }

    private static JsonTypeInfo<IReadOnlyList<CodexInputItem>> ListInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<IReadOnlyList<CodexInputItem>>)options.GetTypeInfo(typeof(IReadOnlyList<CodexInputItem>));
}
