namespace CodexProxy.Cli;

/// <summary>The last lines of a (possibly large, possibly still growing) log file.</summary>
internal static class LogTail
{
    public static IReadOnlyList<string> Read(string path, int lineCount)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // Logs can grow large; a generous tail window keeps this cheap without missing long lines.
            const long window = 256 * 1024;
            var skipped = stream.Length > window;
            if (skipped)
            {
                stream.Seek(-window, SeekOrigin.End);
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

            return lines.Skip(Math.Max(0, lines.Count - lineCount)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
