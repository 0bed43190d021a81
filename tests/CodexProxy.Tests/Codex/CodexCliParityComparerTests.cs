using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>
/// <see cref="CodexCliParity.Compare(JsonObject, JsonObject)"/> is the ground the parity allow-list stands on: it must
/// find nothing between a golden capture and itself, and must name every difference planted into a copy, including
/// those hidden behind the values it compares by form (thread key, User-Agent, turn-metadata twin).
/// </summary>
public sealed class CodexCliParityComparerTests
{
    private const string Golden = "tool-gpt-5.5-2";

    [Theory]
    [InlineData("plain-gpt-5.5-1")]
    [InlineData("tool-gpt-5.5-2")]
    [InlineData("reasoning-gpt-6.1-sol-2")]
    public void GoldenAgainstItself_HasNoDifference(string name)
    {
        var golden = Load(name);

        Assert.Empty(CodexCliParity.Compare(golden, Load(name)));
    }

    [Fact]
    public void PlantedHeaderAndBodyChanges_AreEachNamed()
    {
        var planted = Load(Golden);
        planted["headers"]!["version"] = "0.168.0";
        planted["headers"]!.AsObject().Remove("x-codex-routing-hint");
        planted["headers"]!["openai-beta"] = "responses=experimental";
        var body = planted["body"]!.AsObject();
        body.Remove("store");
        body["temperature"] = 0.2;
        body["parallel_tool_calls"] = false;
        body["reasoning"]!["effort"] = "xhigh";
        var model = body["model"]!;
        body.Remove("model");
        body["model"] = model;

        var ids = Ids(planted);

        Assert.Contains("header:version:value(0.169.0→0.168.0)", ids);
        Assert.Contains("header:x-codex-routing-hint:missing", ids);
        Assert.Contains("header:openai-beta:extra", ids);
        Assert.Contains("body.store:missing", ids);
        Assert.Contains("body.temperature:extra", ids);
        Assert.Contains("body.parallel_tool_calls:value(true→false)", ids);
        Assert.Contains("body.reasoning.effort:value(\"medium\"→\"xhigh\")", ids);
        Assert.Contains("body:key-order", ids);
    }

    [Fact]
    public void PlantedInputChanges_AreNamedByItemKind()
    {
        var planted = Load(Golden);
        var input = planted["body"]!["input"]!.AsArray();
        var call = input.First(item => item!["type"]!.GetValue<string>() == "function_call")!.AsObject();
        call["status"] = "in_progress";
        var output = input.First(item => item!["type"]!.GetValue<string>() == "function_call_output")!;
        input.Remove(output);
        input.Add(new JsonObject { ["type"] = "message", ["role"] = "system", ["content"] = new JsonArray() });

        var ids = Ids(planted);

        Assert.Contains("body.input[function_call].status:value(\"completed\"→\"in_progress\")", ids);
        Assert.Contains("body.input[function_call_output]:missing", ids);
        Assert.Contains("body.input[message/system]:extra", ids);
        Assert.Contains("body.input:tail[function_call_output→message/system]", ids);
    }

    [Fact]
    public void TurnMetadataChanges_AreNamedInTheHeader_AndABrokenTwinIsARelation()
    {
        var planted = Load(Golden);
        var metadata = JsonNode.Parse(planted["headers"]!["x-codex-turn-metadata"]!.GetValue<string>())!.AsObject();
        metadata["sandbox"] = "workspace-write";
        metadata.Remove("agent_name");
        planted["headers"]!["x-codex-turn-metadata"] = metadata.ToJsonString();

        var ids = Ids(planted);

        Assert.Contains("header:x-codex-turn-metadata.sandbox:value(\"none\"→\"workspace-write\")", ids);
        Assert.Contains("header:x-codex-turn-metadata.agent_name:missing", ids);
        Assert.Contains("relation:header:x-codex-turn-metadata=body.client_metadata.x-codex-turn-metadata", ids);
    }

    [Fact]
    public void ThreadKey_AnotherFormIsOneDifference_AndAnUnrelatedIdIsNotHidden()
    {
        var planted = Load(Golden);
        var text = planted.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Replace("<uuid-1>", "<uuid-1>-0123456789abcdef", StringComparison.Ordinal);
        planted = JsonNode.Parse(text)!.AsObject();
        planted["headers"]!["x-client-request-id"] = "<uuid-9>";

        var ids = Ids(planted);

        Assert.Contains("thread-key:value(<uuid>→<uuid>-<thread-hash>)", ids);
        Assert.Contains("relation:header:session-id=header:x-client-request-id", ids);
        Assert.Contains("header:x-client-request-id:value(<thread>→<uuid>)", ids);
        Assert.DoesNotContain(ids, id => id.StartsWith("header:thread-id", StringComparison.Ordinal) || id.StartsWith("body.prompt_cache_key", StringComparison.Ordinal));
    }

    [Fact]
    public void UserAgent_IsComparedPartByPart()
    {
        var planted = Load(Golden);
        planted["headers"]!["user-agent"] = "codex_cli_rs/0.168.0 (<os>; aarch64) chatgpt-codex-proxy/9.8.7";

        var ids = Ids(planted);

        Assert.Contains("header:user-agent.originator:value(codex_exec→codex_cli_rs)", ids);
        Assert.Contains("header:user-agent.version:value(0.169.0→0.168.0)", ids);
        Assert.Contains("header:user-agent.platform:value(<os>; x86_64→<os>; aarch64)", ids);
        Assert.Contains("header:user-agent.terminal:value(xterm (codex_exec; <version>)→chatgpt-codex-proxy/<version>)", ids);
    }

    /// <summary>The path the parity test takes: a recorded request is normalised first, and normalising must not
    /// hide a planted difference (here a real thread UUID that is not the prompt_cache_key).</summary>
    [Fact]
    public void RecordedRequest_IsNormalisedWithoutHidingADifference()
    {
        var golden = Load(Golden);
        var body = golden["body"]!.DeepClone().AsObject();
        body["prompt_cache_key"] = "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
        var headers = golden["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
        headers["session-id"] = headers["thread-id"] = headers["x-client-request-id"] = "0f9e8d7c-6b5a-4c3d-8e1f-a0b1c2d3e4f5";
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var json = JsonDocument.Parse(bytes);
        var recorded = new RecordedRequest
        {
            Method = "POST",
            Path = golden["path"]!.GetValue<string>(),
            Headers = headers,
            Body = bytes,
            Json = json.RootElement.Clone(),
        };

        var ids = CodexCliParity.Compare(golden, recorded).Select(d => d.Id).ToList();

        Assert.Contains("relation:header:session-id=body.prompt_cache_key", ids);
        Assert.Contains("body.prompt_cache_key:value(\"<thread>\"→\"<uuid>\")", ids);
    }

    private static List<string> Ids(JsonObject planted) =>
        [.. CodexCliParity.Compare(Load(Golden), planted).Select(d => d.Id)];

    private static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(CodexCliGoldenFiles.Directory, name + ".json")))!.AsObject();
}
