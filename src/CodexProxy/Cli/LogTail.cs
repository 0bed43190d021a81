using CodexProxy.Logging;

namespace CodexProxy.Cli;

/// <summary>The last lines of a log file, or why they are not shown.</summary>
internal sealed record LogExcerpt(IReadOnlyList<string> Lines, string? Problem);

/// <summary>The last lines of a (possibly large, possibly still growing) log file of this user's, control characters
/// escaped so that a logged request cannot drive the terminal that shows them.</summary>
internal static class LogTail
{
    /// <summary>Logs can grow large; a generous tail window keeps this cheap without missing long lines.</summary>
    private const long Window = 256 * 1024;

    public static IReadOnlyList<string> Read(string path, int lineCount) => ReadExcerpt(path, lineCount).Lines;

    /// <summary>No lines and no problem when the file does not exist.</summary>
    public static LogExcerpt ReadExcerpt(string path, int lineCount)
    {
        try
        {
            using var stream = OwnerOnlyFile.OpenForRead(path);
            var skipped = stream.Length > Window;
            if (skipped)
            {
                stream.Seek(-Window, SeekOrigin.End);
            }

            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n').Select(line => line.TrimEnd('\r')).ToList();
            if (skipped && lines.Count > 0)
            {
                lines.RemoveAt(0); // A partial first line.
            }

            if (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            return new LogExcerpt(lines.Skip(Math.Max(0, lines.Count - lineCount)).Select(LogText.EscapeControlCharacters).ToList(), null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new LogExcerpt([], null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LogExcerpt([], e.Message);
        }
    }
}
