using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.IO;

namespace CodexProxy.Tests.Hosting;

/// <summary>Every value of a parsed request as text, walked by reflection: the request types are read, never
/// written, by the proxy, so they do not round-trip through their own contract.</summary>
internal static class ParsedRequestText
{
    /// <summary>What a parse gives as text: the request's values, or the failure with its message.</summary>
    public static string OutcomeOf(Func<MessagesRequest?> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            return parse() is { } request ? Of(request) : "null";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>What the serializer's own parse of the whole body gives.</summary>
    public static string FullParseOutcome(byte[] body) =>
        OutcomeOf(() => JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.MessagesRequest));

    public static string Of(MessagesRequest request)
    {
        var text = new StringBuilder();
        Write(request, text);
        return text.ToString();
    }

    private static void Write(object? value, StringBuilder text)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case string or bool or int or long or double or Enum:
                text.Append(CultureInfo.InvariantCulture, $"{value.GetType().Name}:{value}");
                break;
            case JsonElement element:
                text.Append(element.ValueKind == JsonValueKind.Undefined ? "(absent)" : element.GetRawText());
                break;
            case RawJsonString raw:
                text.Append(CultureInfo.InvariantCulture, $"raw:{raw.Decode()}");
                break;
            case System.Collections.IDictionary dictionary:
                text.Append('{');
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{entry.Key}=");
                    Write(entry.Value, text);
                    text.Append(';');
                }

                text.Append('}');
                break;
            case System.Collections.IEnumerable items:
                text.Append('[');
                foreach (var item in items)
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                text.Append(value.GetType().Name).Append('(');
                foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
                {
                    text.Append(property.Name).Append('=');
                    Write(property.GetValue(value), text);
                    text.Append(' ');
                }

                text.Append(')');
                break;
        }
    }
}
