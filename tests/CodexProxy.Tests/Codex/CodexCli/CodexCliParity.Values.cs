using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>How <see cref="CodexCliParity"/> reads values: forms of the thread key and the User-Agent, lookups, and
/// the short text used in difference ids.</summary>
internal static partial class CodexCliParity
{
    /// <summary>Values up to this length are named in a value difference's id.</summary>
    private const int NamedValueLength = 48;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Both requests with their own thread key replaced by <c>&lt;thread&gt;</c> everywhere (headers, turn
    /// metadata, <c>prompt_cache_key</c>) and every other uuid placeholder made generic; the two keys' forms, when they
    /// differ, are one difference.</summary>
    private static (JsonObject Theirs, JsonObject Ours) WithThreadKeys(JsonObject golden, JsonObject proxy, List<ParityDifference> differences)
    {
        var theirThread = Lookup(golden, "header:session-id");
        var ourThread = Lookup(proxy, "header:session-id") ?? Lookup(proxy, "body.prompt_cache_key");
        if (theirThread is not null && ourThread is not null && FormOf(theirThread) != FormOf(ourThread))
        {
            differences.Add(new($"thread-key:{ValueSuffix(FormOf(theirThread), FormOf(ourThread))}", $"CLI {theirThread}, proxy {ourThread}"));
        }

        return (Generic(golden, theirThread), Generic(proxy, ourThread));
    }

    private static JsonObject Generic(JsonObject request, string? thread)
    {
        var text = request.ToJsonString(Relaxed);
        if (thread is { Length: > 0 })
        {
            text = text.Replace(thread, "<thread>", StringComparison.Ordinal);
        }

        return JsonNode.Parse(NumberedUuid().Replace(text, "<uuid>"))!.AsObject();
    }

    /// <summary>A thread key with its run-specific parts as placeholders: <c>&lt;uuid&gt;</c>, and the proxy's
    /// per-thread hash suffix as <c>-&lt;thread-hash&gt;</c>.</summary>
    private static string FormOf(string threadKey) =>
        ThreadHashSuffix().Replace(NumberedUuid().Replace(threadKey, "<uuid>"), "-<thread-hash>");

    /// <summary><c>{originator}/{version} ({platform}) {terminal}</c>, with version numbers in the terminal slot (the
    /// proxy's own, or the CLI's repeated) as <c>&lt;version&gt;</c>: the version part is compared on its own. Null
    /// when the value has another format.</summary>
    private static Dictionary<string, string>? UserAgentParts(string? userAgent)
    {
        var match = userAgent is null ? null : UserAgentFormat().Match(userAgent);
        return match is { Success: true }
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["originator"] = match.Groups["originator"].Value,
                ["version"] = match.Groups["version"].Value,
                ["platform"] = match.Groups["platform"].Value,
                ["terminal"] = VersionNumber().Replace(match.Groups["terminal"].Value, "<version>"),
            }
            : null;
    }

    /// <summary>The distinct values of <paramref name="key"/> on items that have it, compared when both sides have
    /// some (a side without any is a key difference already).</summary>
    private static void CompareValues(string path, List<JsonNode?> theirs, List<JsonNode?> ours, string key, List<ParityDifference> differences)
    {
        if (Distinct(theirs, key) is { } their && Distinct(ours, key) is { } our)
        {
            Add(differences, path, their, our);
        }
    }

    private static string? Distinct(List<JsonNode?> items, string key)
    {
        var values = items.Select(item => item is JsonObject obj && obj.TryGetPropertyValue(key, out var value) ? Text(value) ?? "null" : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return values.Count == 0 ? null : string.Join(" | ", values);
    }

    private static string ValueSuffix(string theirs, string ours) =>
        theirs.Length <= NamedValueLength && ours.Length <= NamedValueLength ? $"value({theirs}→{ours})" : "value";

    private static bool SameValue(JsonObject request, string a, string b) =>
        Lookup(request, a) is { } value && value == Lookup(request, b);

    private static string? Lookup(JsonObject request, string path)
    {
        JsonNode? node;
        if (path.StartsWith("header:", StringComparison.Ordinal))
        {
            node = request["headers"]?[path["header:".Length..]];
        }
        else
        {
            node = request["body"];
            foreach (var part in path["body.".Length..].Split('.'))
            {
                node = node is JsonObject obj ? obj[part] : null;
            }
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }

    private static string? Text(JsonNode? node) => node?.ToJsonString(Relaxed);

    private static string Kind(JsonNode? item) =>
        item?["type"]?.GetValue<string>() is "message" ? $"message/{item["role"]?.GetValue<string>()}" : item?["type"]?.GetValue<string>() ?? "?";

    private static IEnumerable<string> ContentTypes(JsonNode? item) =>
        item?["content"] is JsonArray parts ? parts.Select(p => p?["type"]?.GetValue<string>() ?? "?") : [];

    private static IEnumerable<string> KeyOrder(JsonNode? node) => node is JsonObject obj ? obj.Select(p => p.Key) : [];

    /// <summary>The kinds after the last user message: the turn's own items (reasoning, calls, outputs).</summary>
    private static List<string> Tail(JsonArray input)
    {
        var kinds = input.Select(Kind).ToList();
        return kinds[(kinds.LastIndexOf("message/user") + 1)..];
    }

    private static Dictionary<string, JsonObject> Namespaces(JsonObject declaration) =>
        (declaration["tools"]?.AsArray() ?? []).OfType<JsonObject>()
            .Where(t => t["type"]?.GetValue<string>() == "namespace")
            .ToDictionary(t => t["name"]?.GetValue<string>() ?? "?", t => t);

    private static string? IdPrefix(JsonNode? id) => id?.GetValue<string>() is { } text && text.IndexOf('_') is > 0 and var i ? text[..(i + 1)] : null;

    private static JsonObject? AsJsonObject(JsonNode value) =>
        value is JsonValue json && json.GetValueKind() == JsonValueKind.String ? AsJsonObject(json.GetValue<string>()) : null;

    private static JsonObject? AsJsonObject(string text)
    {
        if (!text.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Short(string text) => text.Length > 160 ? text[..160] + "…" : text;

    [GeneratedRegex(@"<uuid-\d+>")]
    private static partial Regex NumberedUuid();

    [GeneratedRegex(@"-[0-9a-f]{16}$")]
    private static partial Regex ThreadHashSuffix();

    [GeneratedRegex(@"^(?<originator>[^/ ]+)/(?<version>\S+) \((?<platform>[^()]*)\) (?<terminal>.+)$")]
    private static partial Regex UserAgentFormat();

    [GeneratedRegex(@"\b\d+\.\d+\.\d+\b")]
    private static partial Regex VersionNumber();
}
