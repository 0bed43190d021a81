using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// Reads the flat delta events, which are nearly every event of a stream, with <see cref="Utf8JsonReader"/> instead of
/// the serializer: the event type is one of a few shared strings, and the item id is reused while it repeats, so a
/// delta costs one record and its text. Anything unexpected (another type, a nested or mistyped field) returns null
/// and the caller falls back to the serializer, so the result is always what the serializer would give.
/// One instance per upstream stream (it remembers the last item id); not thread-safe.
/// </summary>
internal sealed class CodexDeltaEventParser
{
    private static readonly string[] DeltaTypes =
    [
        "response.output_text.delta",
        "response.reasoning_summary_text.delta",
        "response.function_call_arguments.delta",
        "response.refusal.delta",
    ];

    private string? _lastItemId;

    public CodexStreamEvent? TryParse(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? type = null, itemId = null, delta = null;
        int? outputIndex = null, contentIndex = null, summaryIndex = null;
        long? sequenceNumber = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader;
            reader.Read();
            if (name.ValueTextEquals("type"u8))
            {
                if ((type = KnownDeltaType(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (name.ValueTextEquals("delta"u8))
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }

                delta = reader.GetString();
            }
            else if (name.ValueTextEquals("item_id"u8))
            {
                if ((itemId = ItemId(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (name.ValueTextEquals("output_index"u8))
            {
                if ((outputIndex = Int32(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (name.ValueTextEquals("content_index"u8))
            {
                if ((contentIndex = Int32(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (name.ValueTextEquals("summary_index"u8))
            {
                if ((summaryIndex = Int32(ref reader)) is null)
                {
                    return null;
                }
            }
            else if (name.ValueTextEquals("sequence_number"u8))
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var sequence))
                {
                    return null;
                }

                sequenceNumber = sequence;
            }
            else if (IsModelledElsewhere(name))
            {
                return null;
            }
            else
            {
                // Fields nobody reads (logprobs, obfuscation): skipped, as the serializer does.
                reader.Skip();
            }
        }

        // The closing brace must end the data; anything after it is left to the serializer to reject.
        if (reader.TokenType != JsonTokenType.EndObject || type is null || reader.Read())
        {
            return null;
        }

        return new CodexStreamEvent
        {
            Type = type,
            SequenceNumber = sequenceNumber,
            ItemId = itemId,
            OutputIndex = outputIndex,
            ContentIndex = contentIndex,
            SummaryIndex = summaryIndex,
            Delta = delta,
        };
    }

    private static string? KnownDeltaType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        foreach (var type in DeltaTypes)
        {
            if (reader.ValueTextEquals(type))
            {
                return type;
            }
        }

        return null;
    }

    private string? ItemId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        if (_lastItemId is null || !reader.ValueTextEquals(_lastItemId))
        {
            _lastItemId = reader.GetString();
        }

        return _lastItemId;
    }

    private static int? Int32(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : null;

    /// <summary>Properties of <see cref="CodexStreamEvent"/> this reader does not fill in.</summary>
    private static bool IsModelledElsewhere(Utf8JsonReader name) =>
        name.ValueTextEquals("response"u8) || name.ValueTextEquals("item"u8) || name.ValueTextEquals("text"u8)
        || name.ValueTextEquals("arguments"u8) || name.ValueTextEquals("error"u8) || name.ValueTextEquals("code"u8)
        || name.ValueTextEquals("message"u8) || name.ValueTextEquals("part"u8);
}
