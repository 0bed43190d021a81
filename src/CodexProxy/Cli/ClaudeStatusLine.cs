using System.Collections;
using System.Text;
using System.Text.Json;

namespace CodexProxy.Cli;

/// <summary>
/// Wires <c>statusline</c> into the Claude Code session that <c>claude</c> starts, through Claude Code's
/// <c>--settings</c> flag (a JSON string; https://docs.anthropic.com/en/docs/claude-code/settings), unless the user
/// has a status line of their own: <c>statusLine</c> in the user's, the project's (this directory up to the
/// repository's root) or the managed settings, or a <c>--settings</c> of their own on the command line.
/// </summary>
internal static class ClaudeStatusLine
{
    public const string SettingsFlag = "--settings";

    private const string StatusLineKey = "statusLine";

    private static readonly string[] ProjectSettingsFiles = ["settings.json", "settings.local.json"];

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The arguments to put before the user's: <c>--settings {json}</c>, or none.</summary>
    public static IReadOnlyList<string> Arguments(
        IReadOnlyList<string> userArguments, IDictionary environment, string workingDirectory, IReadOnlyList<string> selfCommand)
    {
        ArgumentNullException.ThrowIfNull(userArguments);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(selfCommand);
        if (userArguments.Any(a => a == SettingsFlag || a.StartsWith(SettingsFlag + "=", StringComparison.Ordinal))
            || SettingsFiles(environment, workingDirectory).Any(HasStatusLine))
        {
            return [];
        }

        return [SettingsFlag, SettingsJson(Command([.. selfCommand, StatusLineCommand.Name]))];
    }

    /// <summary>Where Claude Code reads settings from, most general first.</summary>
    public static IEnumerable<string> SettingsFiles(IDictionary environment, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment["HOME"] as string is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        yield return Path.Combine(home, ".claude", "settings.json");
        yield return OperatingSystem.IsMacOS()
            ? "/Library/Application Support/ClaudeCode/managed-settings.json"
            : "/etc/claude-code/managed-settings.json";
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var name in ProjectSettingsFiles)
            {
                yield return Path.Combine(directory.FullName, ".claude", name);
            }

            if (Path.Exists(Path.Combine(directory.FullName, ".git")))
            {
                yield break;
            }
        }
    }

    /// <summary>A settings file that sets <c>statusLine</c> (one that cannot be parsed counts when it names it).</summary>
    public static bool HasStatusLine(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text, Lenient);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(StatusLineKey, out var value)
                && value.ValueKind != JsonValueKind.Null;
        }
        catch (JsonException)
        {
            return text.Contains($"\"{StatusLineKey}\"", StringComparison.Ordinal);
        }
    }

    public static string SettingsJson(string command)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(StatusLineKey);
            json.WriteString("type", "command");
            json.WriteString("command", command);
            json.WriteNumber("padding", 0);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A shell command line (Claude Code runs it through the shell), every word quoted.</summary>
    public static string Command(IEnumerable<string> words) =>
        string.Join(' ', words.Select(word => OperatingSystem.IsWindows()
            ? $"\"{word.Replace("\"", "\\\"", StringComparison.Ordinal)}\""
            : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
}
