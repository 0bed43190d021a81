using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Translation.ChatCompletions;

/// <summary>The few ad-hoc JSON values the mapper builds (a <c>text.format</c> object).</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
