using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Tests.Codex.CodexCli;
using Xunit;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The other half of "the fake refuses what the CLI never sends": everything the official Codex CLI 0.169.0 does send
/// over HTTP (its golden captures, classic and Responses-lite) passes the fake's validator, so a refusal in an
/// end-to-end test is about the proxy, not about a request shape the backend accepts.
/// </summary>
public sealed class CodexRequestValidatorGoldenTests
{
    public static TheoryData<string> HttpGoldens => new(
        Directory.EnumerateFiles(CodexCliGoldenFiles.Directory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => !name.StartsWith("ws-", StringComparison.Ordinal) && !name.EndsWith("-ws-handshake", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(HttpGoldens))]
    public void CodexCliRequest_PassesTheValidator(string name)
    {
        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(CodexCliGoldenFiles.Directory, name + ".json")))!.AsObject();
        var bytes = Encoding.UTF8.GetBytes(golden["body"]!.ToJsonString());
        using var json = JsonDocument.Parse(bytes);
        var request = new RecordedRequest
        {
            Method = golden["method"]!.GetValue<string>(),
            Path = golden["path"]!.GetValue<string>(),
            Headers = golden["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase),
            Body = bytes,
            Json = json.RootElement.Clone(),
        };

        var rejection = CodexRequestValidator.Validate(request);

        Assert.True(rejection is null, $"{name}: {rejection?.Body}");
    }
}
