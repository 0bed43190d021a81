using System.Text.Json.Serialization;

namespace CodexProxy.Anthropic;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessagesRequest))]
[JsonSerializable(typeof(ContentBlock))]
[JsonSerializable(typeof(AnthropicMessage))]
[JsonSerializable(typeof(StreamEvent))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;
