using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CodexProxy.OpenAI;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(OpenAIErrorResponse))]
[JsonSerializable(typeof(OpenAIModelList))]
[JsonSerializable(typeof(OpenAIModel))]
[JsonSerializable(typeof(ResponseObject))]
[JsonSerializable(typeof(ResponseLifecycleEvent))]
[JsonSerializable(typeof(ResponseErrorEvent))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext;
