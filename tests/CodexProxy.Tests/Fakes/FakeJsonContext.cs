using System.Text.Json.Serialization;

namespace CodexProxy.Tests.Fakes;

/// <summary>Source-generated JSON for the test helpers (no reflection-based serialisation anywhere).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class FakeJsonContext : JsonSerializerContext;
