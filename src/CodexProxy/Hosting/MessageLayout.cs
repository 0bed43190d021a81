using System.Text.Json;

namespace CodexProxy.Hosting;

/// <summary>Where the messages lie in a <c>/v1/messages</c> body: <see cref="ArrayContentStart"/> is the offset just
/// past the <c>[</c> of the top-level <c>messages</c> array, and <see cref="MessageEnds"/> the offset just past each
/// message, in order.</summary>
internal sealed record MessageLayout(int ArrayContentStart, int[] MessageEnds)
{
    /// <summary>The layout of a body that has already been parsed as valid JSON, or null when it has no top-level
    /// <c>messages</c> array, or more than one (the parse would then keep the last; such a body is not worth
    /// remembering).</summary>
    public static MessageLayout? Of(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        MessageLayout? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // ValueTextEquals unescapes, as the serializer does when it matches a property name.
            var isMessages = reader.ValueTextEquals("messages"u8);
            reader.Read();
            if (!isMessages)
            {
                reader.Skip();
                continue;
            }

            if (found is not null || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            found = new MessageLayout((int)reader.BytesConsumed, ReadMessageEnds(ref reader));
        }

        return found;
    }

    private static int[] ReadMessageEnds(ref Utf8JsonReader reader)
    {
        var ends = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
            ends.Add((int)reader.BytesConsumed);
        }

        return [.. ends];
    }
}
