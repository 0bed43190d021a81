using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Anthropic;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>
/// Makes a tool's <c>input_schema</c> acceptable as Codex function <c>parameters</c> while keeping it faithful:
/// the root gets <c>type:"object"</c> and a <c>properties</c> object, and the root <c>$schema</c> is removed. Only
/// root keywords are touched, so nothing inside <c>properties</c> (a property called <c>description</c>, nested
/// <c>additionalProperties</c>, <c>anyOf</c>, enums, defaults) can be mistaken for a keyword.
/// </summary>
internal static class ToolSchemaNormalizer
{
    private const int MaxRemembered = 512;

    /// <summary>Claude Code sends the same tool schemas on every turn, so each distinct schema is normalised once:
    /// the DOM round trip per tool per request was a visible share of the proxy's CPU. Keyed by a hash of the raw
    /// bytes and confirmed by comparing them; the results are immutable <see cref="JsonElement"/>s.</summary>
    private static readonly ConcurrentDictionary<int, RememberedSchema> Remembered = new();

    public static JsonElement Normalize(JsonElement inputSchema, string path)
    {
        if (inputSchema.ValueKind != JsonValueKind.Object)
        {
            return NormalizeUncached(inputSchema, path);
        }

        var raw = JsonMarshal.GetRawUtf8Value(inputSchema);
        var hash = new HashCode();
        hash.AddBytes(raw);
        var key = hash.ToHashCode();
        if (Remembered.TryGetValue(key, out var known) && raw.SequenceEqual(known.Raw))
        {
            return known.Normalized;
        }

        var normalized = NormalizeUncached(inputSchema, path);
        if (Remembered.Count >= MaxRemembered)
        {
            Remembered.Clear();
        }

        Remembered[key] = new RememberedSchema(raw.ToArray(), normalized);
        return normalized;
    }

    private static JsonElement NormalizeUncached(JsonElement inputSchema, string path)
    {
        var root = inputSchema.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => [],
            JsonValueKind.Object => JsonObject.Create(inputSchema) ?? [],
            _ => throw new InvalidRequestException($"{path}: must be a JSON object"),
        };

        root.Remove("$schema");

        // Codex function parameters must describe an object; a schema without a type means "any object" here.
        if (root["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || (string?)type != "object")
        {
            root.Remove("type");
            root.Insert(0, "type", "object");
        }

        if (root["properties"] is not JsonObject)
        {
            var at = root.IndexOf("properties");
            root.Remove("properties");
            root.Insert(at < 0 ? 1 : at, "properties", new JsonObject());
        }

        return ToElement(root);
    }

    /// <summary>Rendered minified with the wire's encoder, so that its bytes are what the upstream body holds
    /// (see <see cref="RenderedJsonElementConverter"/>).</summary>
    private static JsonElement ToElement(JsonObject node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CodexJsonContext.WriterOptionsOf(CodexJsonContext.Wire)))
        {
            node.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private sealed record RememberedSchema(byte[] Raw, JsonElement Normalized);
}
