using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>
/// Turns the requests of one <c>codex exec</c> run into stable golden JSON: headers (names lower-cased, sorted) and the
/// parsed body, with every run-specific value replaced by a placeholder: UUIDs become <c>&lt;uuid-N&gt;</c> (numbered by
/// first appearance within the run, so "the same id" stays visible), JWTs <c>&lt;jwt&gt;</c>, timestamps and dates
/// <c>&lt;timestamp&gt;</c>/<c>&lt;date&gt;</c>, temp paths <c>&lt;codex-home&gt;</c>/<c>&lt;workdir&gt;</c>, the port
/// <c>&lt;port&gt;</c>, the OS name and version in the user agent <c>&lt;os&gt;</c>. Nested JSON inside strings (e.g.
/// <c>x-codex-turn-metadata</c>) is treated as text by the same rules.
/// </summary>
internal sealed partial class CodexCliGoldenNormalizer
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Objects the CLI fills from a hash map, so their key order changes from run to run: sorted.</summary>
    private static readonly string[] UnorderedObjects = ["client_metadata"];

    private readonly Dictionary<string, string> _uuids = new(StringComparer.OrdinalIgnoreCase);
    private readonly (string Literal, string Placeholder)[] _literals;

    public CodexCliGoldenNormalizer(string codexHome, string workDir)
    {
        _literals = new[]
            {
                (codexHome, "<codex-home>"),
                (workDir, "<workdir>"),
                (CodexCliInstallation.HarnessDirectory, "<codex-cli-harness>"),
            }
            .SelectMany(pair => new[] { pair, (Path.GetFullPath(pair.Item1), pair.Item2), (ResolveLinks(pair.Item1), pair.Item2) })
            .Distinct()
            .OrderByDescending(pair => pair.Item1.Length)
            .ToArray();
    }

    /// <summary>The golden form of one request as indented JSON text (LF line endings, final newline).</summary>
    public string Normalize(RecordedRequest request)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in request.Headers.OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            var lower = name.ToLowerInvariant();
            headers[lower] = lower switch
            {
                "content-length" => "<length>",
                "sec-websocket-key" => "<key>",
                _ => Text(value),
            };
        }

        var golden = new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = Text(request.Path),
            ["headers"] = headers,
            ["body"] = request.Json is { } json ? Node(JsonNode.Parse(json.GetRawText()), key: null) : null,
        };
        return golden.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    private JsonNode? Node(JsonNode? node, string? key)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                var properties = key is not null && UnorderedObjects.Contains(key)
                    ? obj.OrderBy(property => property.Key, StringComparer.Ordinal)
                    : obj.AsEnumerable();
                foreach (var (name, value) in properties)
                {
                    copy[name] = Node(value, name);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => Node(item, key))]);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && key is not null && IsTimestampKey(key):
                return "<timestamp>";
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return Text(value.GetValue<string>());
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && key is not null && IsTimestampKey(key):
                return "<timestamp>";
            default:
                return node?.DeepClone();
        }
    }

    private string Text(string text)
    {
        foreach (var (literal, placeholder) in _literals)
        {
            text = text.Replace(literal, placeholder, StringComparison.Ordinal);
        }

        text = Jwt().Replace(text, "<jwt>");
        text = Uuid().Replace(text, match =>
        {
            if (!_uuids.TryGetValue(match.Value, out var placeholder))
            {
                placeholder = $"<uuid-{_uuids.Count + 1}>";
                _uuids[match.Value] = placeholder;
            }

            return placeholder;
        });
        text = NestedTimestamp().Replace(text, match => IsTimestampKey(match.Groups["key"].Value)
            ? $"\"{match.Groups["key"].Value}\":\"<timestamp>\""
            : match.Value);
        text = IsoTimestamp().Replace(text, "<timestamp>");
        text = CurrentDate().Replace(text, "<current_date><date></current_date>");
        text = LoopbackPort().Replace(text, "127.0.0.1:<port>");
        text = ExecChunkId().Replace(text, "${label}<chunk-id>");
        text = ExecWallTime().Replace(text, "${label}<seconds>");
        text = UserAgentPlatform().Replace(text, "(<os>; ${arch})");
        return text;
    }

    /// <summary>Keys holding wall-clock times (not durations such as <c>yield_time_ms</c> in tool descriptions).</summary>
    private static bool IsTimestampKey(string key) =>
        key is "create_time" or "created_at" or "started_at" or "timestamp"
        || key.EndsWith("_at_unix_ms", StringComparison.Ordinal) || key.EndsWith("-start-ms", StringComparison.Ordinal);

    private static string ResolveLinks(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        }
        catch (IOException)
        {
            return path;
        }
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"""(?<key>[A-Za-z_]+)""\s*:\s*-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")]
    private static partial Regex NestedTimestamp();

    [GeneratedRegex(@"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")]
    private static partial Regex IsoTimestamp();

    [GeneratedRegex(@"<current_date>[0-9-]+</current_date>")]
    private static partial Regex CurrentDate();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex LoopbackPort();

    /// <summary>The shell tool's random output chunk id, as text (<c>Chunk ID: 3fe0b8</c>) or JSON (code mode).</summary>
    [GeneratedRegex(@"(?<label>Chunk ID: |""chunk_id"":"")[0-9a-f]+")]
    private static partial Regex ExecChunkId();

    /// <summary>Measured durations in tool outputs (<c>Wall time: 0.0000 seconds</c>, <c>"wall_time_seconds":6e-06</c>).</summary>
    [GeneratedRegex(@"(?<label>Wall time:? |""wall_time_seconds"":)[0-9.]+(?:[eE][+-]?\d+)?")]
    private static partial Regex ExecWallTime();

    [GeneratedRegex(@"\((?<os>[^;()]+); (?<arch>x86_64|aarch64|arm64)\)")]
    private static partial Regex UserAgentPlatform();
}
