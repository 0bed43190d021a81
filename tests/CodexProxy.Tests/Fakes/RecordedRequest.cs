using System.Text;
using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>One request as the fake upstream received it: headers, raw bytes, and the parsed body.</summary>
internal sealed class RecordedRequest
{
    private readonly TaskCompletionSource _responseFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1-based arrival order at the fake, i.e. the attempt number.</summary>
    public int Number { get; internal set; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    /// <summary>Header names are case-insensitive; repeated headers are joined with ", ".</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The body after decoding its <see cref="ContentEncoding"/>.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The body's <c>Content-Encoding</c> (<c>zstd</c>), lower case; null for a plain body.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>Bytes as they crossed the wire (compressed, when <see cref="ContentEncoding"/> is set).</summary>
    public int WireBodyLength { get; init; }

    /// <summary>The body's root element, or null when it is not JSON.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>Completes when the fake has written (or aborted) its whole answer to this request.</summary>
    public Task ResponseFinished => _responseFinished.Task;

    public string BodyText => Encoding.UTF8.GetString(Body);

    public IReadOnlyList<JsonElement> InputItems =>
        Json is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array
            ? input.EnumerateArray().ToArray()
            : [];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The ChatGPT account the request was sent for (<c>chatgpt-account-id</c>).</summary>
    public string? AccountId => Header("chatgpt-account-id");

    /// <summary>The conversation key the proxy sent (<c>prompt_cache_key</c>).</summary>
    public string? PromptCacheKey =>
        Json is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("prompt_cache_key", out var key) && key.ValueKind == JsonValueKind.String
            ? key.GetString()
            : null;

    public IEnumerable<JsonElement> ItemsOfType(string type) =>
        InputItems.Where(item => item.TryGetProperty("type", out var t) && t.ValueEquals(type));

    /// <summary>Names of the function tools the request offered.</summary>
    /// <summary>Every tool offered, in order: the top-level <c>tools</c>, then (Responses-lite shape) the tools of each
    /// <c>additional_tools</c> input item, namespaces flattened.</summary>
    public IReadOnlyList<string> ToolNames
    {
        get
        {
            if (Json is not { ValueKind: JsonValueKind.Object } root)
            {
                return [];
            }

            var names = new List<string>();
            if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
            {
                AddNames(tools, names);
            }

            foreach (var declared in ItemsOfType("additional_tools"))
            {
                AddNames(declared.GetProperty("tools"), names);
            }

            return names;
        }
    }

    /// <summary>The text of every function_call_output (string outputs and the text parts of array outputs).</summary>
    public IEnumerable<string> FunctionCallOutputTexts() =>
        ItemsOfType("function_call_output").SelectMany(item => item.GetProperty("output") switch
        {
            { ValueKind: JsonValueKind.String } text => [text.GetString()!],
            { ValueKind: JsonValueKind.Array } parts => parts.EnumerateArray()
                .Where(p => p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(p => p.GetProperty("text").GetString()!),
            _ => [],
        });

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of when the fake had the whole request (a
    /// WebSocket turn: its frame).</summary>
    public long ReceivedAt { get; internal init; }

    /// <summary>Timestamp of when the fake began to answer, 0 before; from <see cref="ReceivedAt"/>, the fake's own work
    /// (parsing, reconstructing a turn's input, validating, choosing the answer), which a bench keeps apart.</summary>
    public long AnsweringAt { get; internal set; }

    internal void MarkResponseFinished() => _responseFinished.TrySetResult();

    private static void AddNames(JsonElement tools, List<string> names)
    {
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.TryGetProperty("type", out var type) && type.ValueEquals("namespace") && tool.TryGetProperty("tools", out var inner))
            {
                AddNames(inner, names);
            }
            else if (tool.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                names.Add(name.GetString()!);
            }
        }
    }
}
