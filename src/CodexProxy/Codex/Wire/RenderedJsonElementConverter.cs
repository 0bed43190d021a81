using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// Writes a <see cref="JsonElement"/> as its own bytes, where <see cref="JsonElement.WriteTo"/> would unescape and
/// escape again every string in it. Claude Code declares tens of kilobytes of tool schemas on every turn, and each is
/// written several times (the body or frame, its fingerprints). The bytes are always the same JSON value; they are
/// also byte for byte what <see cref="JsonElement.WriteTo"/> writes when the element was rendered minified with the
/// wire's encoder, as <c>ToolSchemaNormalizer</c> renders every schema.
/// </summary>
internal sealed class RenderedJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
    }
}
