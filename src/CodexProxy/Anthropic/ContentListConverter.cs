using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.IO;

namespace CodexProxy.Anthropic;

/// <summary>
/// Reads Anthropic's "string or array of blocks" fields (<c>system</c>, message <c>content</c>,
/// <c>tool_result.content</c>) into one list of blocks; a bare string becomes a single text block.
/// </summary>
internal sealed class ContentListConverter : JsonConverter<IReadOnlyList<ContentBlock>>
{
    public override IReadOnlyList<ContentBlock>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [new ContentBlock { Type = "text", Text = RawJsonString.Read(ref reader) }];
            case JsonTokenType.StartArray:
                var blocks = new List<ContentBlock>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        blocks.Add(new ContentBlock { Type = "text", Text = RawJsonString.Read(ref reader) });
                        continue;
                    }

                    blocks.Add(ReadBlock(ref reader, blocks.Count));
                }

                return blocks;
            default:
                throw new JsonException("Expected a string or an array of content blocks.");
        }
    }

    /// <summary>Calls the block's converter directly: <c>JsonSerializer.Deserialize(ref reader)</c> first scans the
    /// whole value to find its end and then parses it, and blocks nest (a tool result holds blocks), so a long tool
    /// result was read four or five times over. On an error the block is read again that way (from a copy of the
    /// reader taken before it) for the serializer's path inside the block, which the direct call does not track.</summary>
    private static ContentBlock ReadBlock(ref Utf8JsonReader reader, int index)
    {
        var start = reader;
        try
        {
            return BlockConverter.Read(ref reader, typeof(ContentBlock), AnthropicJsonContext.Default.Options)
                ?? throw new JsonException("A content block must be an object, not null.");
        }
        catch (Exception first) when (first is JsonException or InvalidOperationException or FormatException)
        {
            // The serializer turns a wrong-typed value into a JsonException with a path; the direct call does not.
            try
            {
                _ = JsonSerializer.Deserialize(ref start, AnthropicJsonContext.Default.ContentBlock)
                    ?? throw new JsonException("A content block must be an object, not null.");
            }
            catch (JsonException e)
            {
                throw ContentBlockJsonException.Wrap(index, e);
            }

            throw;
        }
    }

    private static JsonConverter<ContentBlock> BlockConverter =>
        (JsonConverter<ContentBlock>)AnthropicJsonContext.Default.ContentBlock.Converter;

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var block in value)
        {
            JsonSerializer.Serialize(writer, block, AnthropicJsonContext.Default.ContentBlock);
        }

        writer.WriteEndArray();
    }
}
