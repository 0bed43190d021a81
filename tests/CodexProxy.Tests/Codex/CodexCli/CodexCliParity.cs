using System.Text.Json.Nodes;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>One way the proxy's request differs from the Codex CLI's; <see cref="Id"/> names it for the allow-list.</summary>
internal sealed record ParityDifference(string Id, string Detail);

/// <summary>
/// Compares a request the proxy sent with the Codex CLI's golden capture of the same scenario, header by header and
/// field by field, after the golden normalisation (ids, tokens, times and ports become placeholders, then every
/// <c>&lt;uuid-N&gt;</c> is just <c>&lt;uuid&gt;</c>). Text that is the client's own (prompts, tool descriptions and
/// schemas, tool names) is compared by shape only: which item kinds and keys occur, which tool types, where the tool
/// declaration sits, what the conversation tail looks like.
/// <para>Values that vary per run or per build are compared by form, never ignored: the thread key (the CLI's
/// <c>session-id</c>) becomes <c>&lt;thread&gt;</c> on each side and its two forms are one difference
/// (<c>thread-key:value(…)</c>); the User-Agent is compared part by part (originator, version, platform, terminal)
/// with the proxy's own version as <c>&lt;version&gt;</c>; the turn metadata inside <c>client_metadata</c> is compared
/// only through its header twin, and only while both sides keep the two identical.</para>
/// <para>Ids: <c>header:{name}:{missing|extra|value(CLI→proxy)}</c>, <c>body.{path}:…</c>, <c>body.input[{kind}]…</c>,
/// <c>body.tools[{type}]…</c>, <c>body.input:tail[{CLI kind}→{proxy kind}]</c>, <c>relation:{a}={b}</c> (two values
/// the CLI sends equal), <c>body:key-order</c>. A value difference names both values when they are short, so an entry
/// allows that exact difference and no other.</para>
/// </summary>
internal static partial class CodexCliParity
{
    /// <summary>Transport details that differ between any two HTTP clients.</summary>
    private static readonly string[] IgnoredHeaders = ["host", "content-length", "connection", "traceparent"];

    /// <summary>Values the CLI sends equal (the thread id, the turn metadata twins): the proxy must keep them equal too.</summary>
    private static readonly (string A, string B)[] Relations =
    [
        ("header:session-id", "header:thread-id"),
        ("header:session-id", "header:x-client-request-id"),
        ("header:session-id", "body.prompt_cache_key"),
        ("header:session-id", "body.client_metadata.session_id"),
        ("header:x-codex-window-id", "body.client_metadata.x-codex-window-id"),
        ("header:x-codex-turn-metadata", "body.client_metadata.x-codex-turn-metadata"),
    ];

    public static IReadOnlyList<ParityDifference> Compare(JsonObject golden, RecordedRequest proxy)
    {
        ArgumentNullException.ThrowIfNull(golden);
        ArgumentNullException.ThrowIfNull(proxy);
        var normalized = JsonNode.Parse(new CodexCliGoldenNormalizer(Path.GetTempPath(), Path.GetTempPath()).Normalize(proxy))!.AsObject();
        return Compare(golden, normalized);
    }

    /// <summary>Compares two requests already in the golden form.</summary>
    public static IReadOnlyList<ParityDifference> Compare(JsonObject golden, JsonObject proxy)
    {
        ArgumentNullException.ThrowIfNull(golden);
        ArgumentNullException.ThrowIfNull(proxy);
        var differences = new List<ParityDifference>();
        CompareRelations(golden, proxy, differences);
        var (theirs, ours) = WithThreadKeys(golden, proxy, differences);
        WithoutTurnMetadataTwin(golden, theirs);
        WithoutTurnMetadataTwin(proxy, ours);
        CompareHeaders(theirs["headers"]!.AsObject(), ours["headers"]!.AsObject(), differences);
        CompareBody(theirs["body"]?.AsObject() ?? [], ours["body"]?.AsObject() ?? [], differences);
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
            }
            else if (name == "user-agent" && UserAgentParts(their) is { } theirParts && UserAgentParts(our) is { } ourParts)
            {
                foreach (var (part, value) in theirParts)
                {
                    Add(differences, $"header:user-agent.{part}", value, ourParts[part]);
                }
            }
            else
            {
                Add(differences, $"header:{name}", their, our);
            }
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
            CompareValues($"{path}.status", their, our, "status", differences);
            if (kind == "additional_tools")
            {
                CompareToolDeclaration(their[0]!.AsObject(), theirs.IndexOf(their[0]), our[0]!.AsObject(), ours.IndexOf(our[0]), differences);
            }
        }

        CompareTail(Tail(theirs), Tail(ours), differences);
    }

    /// <summary>The turn's own items after the last user message, position by position.</summary>
    private static void CompareTail(List<string> theirs, List<string> ours, List<ParityDifference> differences)
    {
        for (var i = 0; i < Math.Max(theirs.Count, ours.Count); i++)
        {
            var (their, our) = (i < theirs.Count ? theirs[i] : "(none)", i < ours.Count ? ours[i] : "(none)");
            if (their != our)
            {
                differences.Add(new($"body.input:tail[{their}→{our}]", $"after the last user message: CLI [{string.Join(", ", theirs)}], proxy [{string.Join(", ", ours)}]"));
            }
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
            CompareValues($"{typed}.strict", their, our, "strict", differences);
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

        Add(differences, path.TrimEnd('.'), Text(theirs), Text(ours));
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
            _ => (ValueSuffix(theirs!, ours!), $"CLI {Short(theirs!)}, proxy {Short(ours!)}"),
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
            if (SameValue(golden, a, b) && !SameValue(proxy, a, b))
            {
                differences.Add(new($"relation:{a}={b}", $"the CLI sends the same value as {a} and {b}; the proxy does not"));
            }
        }
    }

    /// <summary>The body's copy of the turn metadata is compared through the header only, when it is the same text.</summary>
    private static void WithoutTurnMetadataTwin(JsonObject original, JsonObject generic)
    {
        if (SameValue(original, "header:x-codex-turn-metadata", "body.client_metadata.x-codex-turn-metadata")
            && generic["body"]?["client_metadata"] is JsonObject metadata)
        {
            metadata.Remove("x-codex-turn-metadata");
        }
    }
}
