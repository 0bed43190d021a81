using System.Globalization;
using System.Text;

namespace CodexProxy.Logging;

/// <summary>
/// Makes text safe to put in one log line: control characters (C0, DEL, C1, and the Unicode line and paragraph
/// separators) become visible escapes, so a request path, model name or header cannot start a forged line or send
/// terminal escape sequences to whoever reads the log.
/// </summary>
internal static class LogText
{
    public static string EscapeControlCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        if (!span.ContainsAnyInRange('\0', '\u001f') && !span.ContainsAnyInRange('\u007f', '\u009f') && !span.ContainsAny('\u2028', '\u2029'))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ when IsControl(c) => escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    /// <summary>An exception's text for a log entry: escaped like a message, each line indented so that no line of it
    /// can pass for an entry of its own.</summary>
    public static string IndentedException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var lines = exception.ToString().Split('\n').Select(line => "    " + EscapeControlCharacters(line.TrimEnd('\r')));
        return string.Join(Environment.NewLine, lines);
    }

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007f' and <= '\u009f' or '\u2028' or '\u2029';
}
