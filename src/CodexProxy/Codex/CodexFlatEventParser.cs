using System.Text;
using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>
/// Reads the flat text events with <see cref="Utf8JsonReader"/> instead of the serializer: the deltas, which are nearly
/// every event of a stream, and the <c>.done</c> event that repeats their whole text. The event type is one of a few
/// shared strings, and the item id is reused while it repeats, so an event costs one record and its text. Anything
/// unexpected (another type, a nested or mistyped field) returns null and the caller falls back to the serializer, so
/// the result is always what the serializer would give.
/// Events of a type its consumer reads <see cref="CodexRequest.EventsReadByTypeOnly">by type only</see> are read
/// no further than the type, so such an event comes back with its type alone (even if the rest is malformed).
/// One instance per upstream stream (it remembers the last item id); not thread-safe.
/// </summary>
internal sealed class CodexFlatEventParser(CodexEventTypes? eventsReadByTypeOnly = null)
{
    private static readonly CodexEventTypes DeltaTypes = new(
        "response.output_text.delta",
        "response.reasoning_summary_text.delta",
        "response.function_call_arguments.delta",
        "response.refusal.delta");

    private static readonly CodexEventTypes DoneTypes = new(
        "response.output_text.done",
        "response.reasoning_summary_text.done",
        "response.function_call_arguments.done");

    private readonly CodexEventTypes _eventsReadByTypeOnly = eventsReadByTypeOnly ?? CodexEventTypes.None;

    /// <summary>The last item id, and its UTF-8 bytes to compare the next one with.</summary>
    private (string Text, byte[] Utf8)? _lastItemId;

    public CodexStreamEvent? TryParse(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? type = null, itemId = null, delta = null, text = null, arguments = null;
        int? outputIndex = null, contentIndex = null, summaryIndex = null;
        long? sequenceNumber = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldNamed(ref reader);
            reader.Read();
            if (field == Field.Type)
            {
                (type, var typeOnly) = ReadType(ref reader);
                if (type is null)
                {
                    return null;
                }

                if (typeOnly)
                {
                    return new CodexStreamEvent { Type = type };
                }

                continue;
            }

            var read = field switch
            {
                Field.Delta => (delta = String(ref reader)) is not null,
                Field.Text => (text = String(ref reader)) is not null,
                Field.Arguments => (arguments = String(ref reader)) is not null,
                Field.ItemId => (itemId = ItemId(ref reader)) is not null,
                Field.OutputIndex => (outputIndex = Int32(ref reader)) is not null,
                Field.ContentIndex => (contentIndex = Int32(ref reader)) is not null,
                Field.SummaryIndex => (summaryIndex = Int32(ref reader)) is not null,
                Field.SequenceNumber => (sequenceNumber = Int64(ref reader)) is not null,
                Field.ModelledElsewhere => false,
                _ => reader.TrySkip(), // fields nobody reads (logprobs, obfuscation), skipped as the serializer does
            };
            if (!read)
            {
                return null;
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
            Text = text,
            Arguments = arguments,
        };
    }

    /// <summary>The event type at the reader, if this parser reads it, and whether it stops there. Deltas are compared
    /// first, as nearly every event is one.</summary>
    private (string? Type, bool TypeOnly) ReadType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return (null, false);
        }

        return DeltaTypes.Find(ref reader) is { } delta ? (delta, false)
            : _eventsReadByTypeOnly.Find(ref reader) is { } typeOnly ? (typeOnly, true)
            : (DoneTypes.Find(ref reader), false);
    }

    private string? ItemId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        if (_lastItemId is not { } last || !reader.ValueTextEquals(last.Utf8))
        {
            var itemId = reader.GetString()!;
            last = (itemId, Encoding.UTF8.GetBytes(itemId));
            _lastItemId = last;
        }

        return last.Text;
    }

    private static string? String(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    private static int? Int32(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : null;

    private static long? Int64(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;

    /// <summary>Which field the property name at the reader is; compared in place, since copying the reader to keep
    /// the name while reading the value was a visible share of each delta's cost.</summary>
    private static Field FieldNamed(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? Field.Type
        : reader.ValueTextEquals("delta"u8) ? Field.Delta
        : reader.ValueTextEquals("text"u8) ? Field.Text
        : reader.ValueTextEquals("arguments"u8) ? Field.Arguments
        : reader.ValueTextEquals("item_id"u8) ? Field.ItemId
        : reader.ValueTextEquals("output_index"u8) ? Field.OutputIndex
        : reader.ValueTextEquals("content_index"u8) ? Field.ContentIndex
        : reader.ValueTextEquals("summary_index"u8) ? Field.SummaryIndex
        : reader.ValueTextEquals("sequence_number"u8) ? Field.SequenceNumber
        : IsModelledElsewhere(ref reader) ? Field.ModelledElsewhere
        : Field.Other;

    /// <summary>Properties of <see cref="CodexStreamEvent"/> this reader does not fill in.</summary>
    private static bool IsModelledElsewhere(ref Utf8JsonReader name) =>
        name.ValueTextEquals("response"u8) || name.ValueTextEquals("item"u8) || name.ValueTextEquals("error"u8)
        || name.ValueTextEquals("code"u8)
        || name.ValueTextEquals("message"u8) || name.ValueTextEquals("part"u8);

    private enum Field
    {
        Other,
        Type,
        Delta,
        Text,
        Arguments,
        ItemId,
        OutputIndex,
        ContentIndex,
        SummaryIndex,
        SequenceNumber,
        ModelledElsewhere,
    }
}
