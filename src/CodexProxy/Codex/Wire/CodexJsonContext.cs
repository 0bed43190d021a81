using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CodexProxy.IO;

namespace CodexProxy.Codex.Wire;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CodexRequest))]
[JsonSerializable(typeof(CodexStreamEvent))]
[JsonSerializable(typeof(CodexError))]
[JsonSerializable(typeof(IReadOnlyList<CodexContentPart>))]
[JsonSerializable(typeof(IReadOnlyList<CodexInputItem>))]
internal sealed partial class CodexJsonContext : JsonSerializerContext
{
    /// <summary>For request bodies sent upstream: non-ASCII text (Korean, code with <c>&lt;</c>, <c>&amp;</c>,
    /// <c>'</c>) is written as UTF-8, not <c>\uXXXX</c>. The body is JSON over HTTP, never embedded in HTML, and
    /// the default encoder's escaping made it larger and slower to write.</summary>
    public static CodexJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // A client schema the reader accepted (depth ≤ 64) sits three levels deeper in the Responses-lite shape
        // (input → additional_tools → namespace → tools → parameters) than at the top level.
        MaxDepth = 128,
    });

    /// <summary>Writer settings that give exactly what serialising through <paramref name="context"/> writes (its
    /// encoder and depth), for writing into a pooled buffer instead of a new array.</summary>
    public static JsonWriterOptions WriterOptionsOf(CodexJsonContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new JsonWriterOptions { Encoder = context.Options.Encoder, MaxDepth = context.Options.MaxDepth };
    }

    /// <summary><see cref="Wire"/>, but a client's text kept as its own bytes is written as <see cref="Wire"/> writes
    /// the same value as a string: for fingerprints of what the backend was sent, which must not depend on how a client
    /// escaped its text (the backend's own output, replayed by the client, is compared with what the proxy renders).</summary>
    public static CodexJsonContext WireNormalized { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 128,
        Converters = { new RawJsonStringNormalizingConverter() },
    });
}
