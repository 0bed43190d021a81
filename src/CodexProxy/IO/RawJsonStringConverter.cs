using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.IO;

/// <summary>Reads a string token as its escaped bytes and writes them back unchanged.</summary>
internal sealed class RawJsonStringConverter : JsonConverter<RawJsonString>
{
    public override RawJsonString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RawJsonString.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, RawJsonString value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        value.WriteTo(writer);
    }
}

/// <summary>Writes every <see cref="RawJsonString"/> as the writer writes the same value as a <see cref="string"/>
/// (<see cref="RawJsonString.WriteNormalized"/>). Added to the converters of options whose output is hashed to
/// compare values, where two spellings of one text must give the same bytes.</summary>
internal sealed class RawJsonStringNormalizingConverter : JsonConverter<RawJsonString>
{
    public override RawJsonString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RawJsonString.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, RawJsonString value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        value.WriteNormalized(writer);
    }
}
