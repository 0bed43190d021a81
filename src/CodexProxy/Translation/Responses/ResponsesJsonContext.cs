using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CodexProxy.Translation.Responses;

[JsonSerializable(typeof(JsonNode))]
internal sealed partial class ResponsesJsonContext : JsonSerializerContext;
