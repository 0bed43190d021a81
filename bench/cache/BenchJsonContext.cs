using System.Text.Json.Serialization;

namespace CodexProxy.CacheBench;

[JsonSerializable(typeof(string))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
