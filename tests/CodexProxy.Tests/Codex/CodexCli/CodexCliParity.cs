using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>One way the proxy's request differs from the Codex CLI's; <see cref="Id"/> names it for the allow-list.</summary>
internal sealed record ParityDifference(string Id, string Detail);

/// <summary>
/// Compares a request the proxy sent with the Codex CLI's golden capture of the same scenario, header by header and
/// field by field, after the golden normalisation (ids, tokens, times and ports become placeholders, then every
/// <c>&lt;uuid-N&gt;</c> is just <c>&lt;uuid&gt;</c>). Text that is the client's own (prompts, tool descriptions and
/// schemas, tool names) is compared by shape only: which item kinds and keys occur, which tool types, where the tool
/// declaration sits, what the conversation tail looks like. Ids: <c>header:{name}:{missing|extra|value}</c>,
/// <c>body.{path}:{missing|extra|value}</c>, <c>body.input[{kind}]…</c>, <c>body.tools[{type}]…</c>,
/// <c>relation:{a}={b}</c> (two values the CLI sends equal), <c>body:key-order</c>.
/// </summary>
internal static partial class CodexCliParity
{
    /// <summary>Transport details that differ between any two HTTP clients.</summary>
    private static readonly string[] IgnoredHeaders = ["host", "content-length", "connection", "traceparent"];

    /// <summary>Values the CLI sends equal (the thread id): the proxy must keep them equal too.</summary>
    private static readonly (string A, string B)[] Relations =
    [
        ("header:session-id", "header:thread-id"),
        ("header:session-id", "header:x-client-request-id"),
        ("header:session-id", "body.prompt_cache_key"),
        ("header:session-id", "body.client_metadata.session_id"),
    ];

    public static IReadOnlyList<ParityDifference> Compare(JsonObject golden, RecordedRequest proxy)
    {
        ArgumentNullException.ThrowIfNull(golden);
        ArgumentNullException.ThrowIfNull(proxy);
        var normalized = JsonNode.Parse(new CodexCliGoldenNormalizer(Path.GetTempPath(), Path.GetTempPath()).Normalize(proxy))!.AsObject();
        var ours = Generic(normalized);
        var theirs = Generic(golden);
        var differences = new List<ParityDifference>();
        CompareHeaders(theirs["headers"]!.AsObject(), ours["headers"]!.AsObject(), differences);
        var theirBody = theirs["body"]!.AsObject();
        var ourBody = ours["body"]?.AsObject() ?? [];
        CompareBody(theirBody, ourBody, differences);
        CompareRelations(golden, normalized, differences);
        return differences;
    }

    private static void CompareHeaders(JsonObject theirs, JsonObject ours, List<ParityDifference> differences)
    {
        foreach (var name in theirs.Select(p => p.Key).Union(ours.Select(p => p.Key)).Where(n => !IgnoredHeaders.Contains(n)).Order(StringComparer.Ordinal))
        {
            var (their, our) = (theirs[name]?.GetValue<string>(), ours[name]?.GetValue<string>());
            if (their is not null && our is not null && AsJsonObject(their) is { } theirJson && AsJsonObject(our) is { } ourJson)
            {
                CompareNodes($"header:{name}.", theirJson, ourJson, differences);
                continue;
            }

            Add(differences, $"header:{name}", their, our);
        }
    }

    private static void CompareBody(JsonObject theirs, JsonObject ours, List<ParityDifference> differences)
    {
        var common = theirs.Select(p => p.Key).Where(ours.ContainsKey).ToList();
        if (!common.SequenceEqual(ours.Select(p => p.Key).Where(theirs.ContainsKey)))
        {
            differences.Add(new("body:key-order", $"CLI {string.Join(",", common)}; proxy {string.Join(",", ours.Select(p => p.Key))}"));
        }

        foreach (var key in theirs.Select(p => p.Key).Union(ours.Select(p => p.Key)))
        {
            var (their, our) = (theirs[key], ours[key]);
            switch (key)
            {
                case "input":
                    CompareInput(their?.AsArray() ?? [], our?.AsArray() ?? [], differences);
                    break;
                case "tools" when their is JsonArray theirTools && our is JsonArray ourTools:
                    CompareTools("body.tools", theirTools, ourTools, differences);
                    break;
                default:
                    CompareNodes($"body.{key}", their, our, differences);
                    break;
            }
        }
    }

    private static void CompareInput(JsonArray theirs, JsonArray ours, List<ParityDifference> differences)
    {
        var theirKinds = theirs.GroupBy(Kind).ToDictionary(g => g.Key, g => g.ToList());
        var ourKinds = ours.GroupBy(Kind).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var kind in theirKinds.Keys.Union(ourKinds.Keys).Order(StringComparer.Ordinal))
        {
            var path = $"body.input[{kind}]";
            if (!theirKinds.TryGetValue(kind, out var their) || !ourKinds.TryGetValue(kind, out var our))
            {
                Add(differences, path, theirKinds.ContainsKey(kind) ? kind : null, ourKinds.ContainsKey(kind) ? kind : null);
                continue;
            }

            CompareKeys(path, their, our, differences);
            CompareSet($"{path}.content", their.SelectMany(ContentTypes), our.SelectMany(ContentTypes), differences);
            if (kind == "additional_tools")
            {
                CompareToolDeclaration(their[0]!.AsObject(), theirs.IndexOf(their[0]), our[0]!.AsObject(), ours.IndexOf(our[0]), differences);
            }
        }

        var (theirTail, ourTail) = (Tail(theirs), Tail(ours));
        if (!theirTail.SequenceEqual(ourTail))
        {
            differences.Add(new("body.input:tail", $"after the last user message: CLI [{string.Join(", ", theirTail)}], proxy [{string.Join(", ", ourTail)}]"));
        }
    }

    private static void CompareToolDeclaration(JsonObject theirs, int theirIndex, JsonObject ours, int ourIndex, List<ParityDifference> differences)
    {
        const string Path = "body.input[additional_tools]";
        if (theirIndex != ourIndex)
        {
            differences.Add(new($"{Path}:position", $"CLI input[{theirIndex}], proxy input[{ourIndex}]"));
        }

        CompareNodes($"{Path}.role", theirs["role"], ours["role"], differences);
        if (IdPrefix(theirs["id"]) != IdPrefix(ours["id"]))
        {
            differences.Add(new($"{Path}.id:format", $"CLI {theirs["id"]}, proxy {ours["id"]}"));
        }

        var theirSpaces = Namespaces(theirs);
        var ourSpaces = Namespaces(ours);
        foreach (var name in theirSpaces.Keys.Union(ourSpaces.Keys).Order(StringComparer.Ordinal))
        {
            var path = $"{Path}.tools[namespace={name}]";
            if (!theirSpaces.TryGetValue(name, out var their) || !ourSpaces.TryGetValue(name, out var our))
            {
                Add(differences, path, theirSpaces.ContainsKey(name) ? name : null, ourSpaces.ContainsKey(name) ? name : null);
                continue;
            }

            CompareKeys(path, [their], [our], differences);
            CompareNodes($"{path}.description", their["description"], our["description"], differences);
            CompareTools($"{path}.tools", their["tools"]?.AsArray() ?? [], our["tools"]?.AsArray() ?? [], differences);
        }
    }

    private static void CompareTools(string path, JsonArray theirs, JsonArray ours, List<ParityDifference> differences)
    {
        var theirTypes = theirs.GroupBy(t => t?["type"]?.GetValue<string>() ?? "?").ToDictionary(g => g.Key, g => g.ToList());
        var ourTypes = ours.GroupBy(t => t?["type"]?.GetValue<string>() ?? "?").ToDictionary(g => g.Key, g => g.ToList());
        foreach (var type in theirTypes.Keys.Union(ourTypes.Keys).Order(StringComparer.Ordinal))
        {
            var typed = $"{path}[{type}]";
            if (!theirTypes.TryGetValue(type, out var their) || !ourTypes.TryGetValue(type, out var our))
            {
                Add(differences, typed, theirTypes.ContainsKey(type) ? type : null, ourTypes.ContainsKey(type) ? type : null);
                continue;
            }

            CompareKeys(typed, their, our, differences);
            if (their.Select(t => t?["strict"]?.ToJsonString()).Distinct().SequenceEqual(our.Select(t => t?["strict"]?.ToJsonString()).Distinct()) is false)
            {
                differences.Add(new($"{typed}.strict:value", "strict differs"));
            }

            if (type == "function" && !KeyOrder(their[0]).SequenceEqual(KeyOrder(our[0])))
            {
                differences.Add(new($"{typed}:key-order", $"CLI {string.Join(",", KeyOrder(their[0]))}; proxy {string.Join(",", KeyOrder(our[0]))}"));
            }
        }
    }

    /// <summary>Keys present on some items of a kind in one request but on none in the other.</summary>
    private static void CompareKeys(string path, List<JsonNode?> theirs, List<JsonNode?> ours, List<ParityDifference> differences) =>
        CompareSet(path, theirs.SelectMany(KeyOrder), ours.SelectMany(KeyOrder), differences);

    private static void CompareSet(string path, IEnumerable<string> theirs, IEnumerable<string> ours, List<ParityDifference> differences)
    {
        var (their, our) = (theirs.ToHashSet(StringComparer.Ordinal), ours.ToHashSet(StringComparer.Ordinal));
        foreach (var name in their.Union(our).Order(StringComparer.Ordinal))
        {
            Add(differences, $"{path}.{name}", their.Contains(name) ? name : null, our.Contains(name) ? name : null, valueMatters: false);
        }
    }

    /// <summary>Field by field; arrays of the same length element by element, else as one value.</summary>
    private static void CompareNodes(string path, JsonNode? theirs, JsonNode? ours, List<ParityDifference> differences)
    {
        if (theirs is JsonObject their && ours is JsonObject our)
        {
            var separator = path.EndsWith('.') ? string.Empty : ".";
            foreach (var key in their.Select(p => p.Key).Union(our.Select(p => p.Key)))
            {
                CompareNodes(path + separator + key, their[key], our[key], differences);
            }

            return;
        }

        if (theirs is JsonValue theirValue && ours is JsonValue ourValue && AsJsonObject(theirValue) is { } theirJson && AsJsonObject(ourValue) is { } ourJson)
        {
            CompareNodes(path, theirJson, ourJson, differences);
            return;
        }

        Add(differences, path.TrimEnd('.'), theirs?.ToJsonString(), ours?.ToJsonString());
    }

    private static void Add(List<ParityDifference> differences, string path, string? theirs, string? ours, bool valueMatters = true)
    {
        if (theirs is null && ours is null)
        {
            return;
        }

        var (suffix, detail) = (theirs, ours) switch
        {
            (not null, null) => ("missing", $"CLI sends {Short(theirs)}; the proxy does not"),
            (null, not null) => ("extra", $"the proxy sends {Short(ours)}; the CLI does not"),
            _ when !valueMatters || theirs == ours => (null, null),
            _ => ("value", $"CLI {Short(theirs!)}, proxy {Short(ours!)}"),
        };
        if (suffix is not null)
        {
            differences.Add(new($"{path}:{suffix}", detail!));
        }
    }

    private static void CompareRelations(JsonObject golden, JsonObject proxy, List<ParityDifference> differences)
    {
        foreach (var (a, b) in Relations)
        {
            var theirs = Lookup(golden, a) is { } x && x == Lookup(golden, b);
            var ours = Lookup(proxy, a) is { } y && y == Lookup(proxy, b);
            if (theirs && !ours)
            {
                differences.Add(new($"relation:{a}={b}", $"the CLI sends the same value as {a} and {b}; the proxy does not"));
            }
        }
    }

    private static string? Lookup(JsonObject request, string path)
    {
        var node = path.StartsWith("header:", StringComparison.Ordinal)
            ? request["headers"]?[path["header:".Length..]]
            : request["body"];
        if (!path.StartsWith("header:", StringComparison.Ordinal))
        {
            foreach (var part in path["body.".Length..].Split('.'))
            {
                node = node?[part];
            }
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }

    /// <summary>The golden form with every numbered uuid placeholder made equal: the proxy's ids are its own.</summary>
    private static JsonObject Generic(JsonObject request) =>
        JsonNode.Parse(NumberedUuid().Replace(request.ToJsonString(), "<uuid>"))!.AsObject();

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
}
