using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Codex.Wire;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CodexRequest))]
[JsonSerializable(typeof(CodexStreamEvent))]
[JsonSerializable(typeof(CodexError))]
[JsonSerializable(typeof(IReadOnlyList<CodexContentPart>))]
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
}
