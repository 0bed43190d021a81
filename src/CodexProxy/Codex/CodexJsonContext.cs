using System.Text.Json.Serialization;

namespace CodexProxy.Codex;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CodexRequest))]
[JsonSerializable(typeof(CodexStreamEvent))]
[JsonSerializable(typeof(CodexError))]
[JsonSerializable(typeof(IReadOnlyList<CodexContentPart>))]
internal sealed partial class CodexJsonContext : JsonSerializerContext;
