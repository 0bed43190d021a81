using System.Text.Json;
using System.Text.Json.Serialization;

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
                return [new ContentBlock { Type = "text", Text = reader.GetString() }];
            case JsonTokenType.StartArray:
                var blocks = new List<ContentBlock>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        blocks.Add(new ContentBlock { Type = "text", Text = reader.GetString() });
                        continue;
                    }

                    try
                    {
                        var block = JsonSerializer.Deserialize(ref reader, AnthropicJsonContext.Default.ContentBlock)
                            ?? throw new JsonException("A content block must be an object, not null.");
                        blocks.Add(block);
                    }
                    catch (JsonException e)
                    {
                        throw ContentBlockJsonException.Wrap(blocks.Count, e);
                    }
                }

                return blocks;
            default:
                throw new JsonException("Expected a string or an array of content blocks.");
        }
    }

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
