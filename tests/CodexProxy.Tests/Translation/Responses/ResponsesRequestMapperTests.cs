using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.OpenAI;
using CodexProxy.Translation.Request;
using CodexProxy.Translation.Responses;
using Xunit;

namespace CodexProxy.Tests.Translation.Responses;

public sealed class ResponsesRequestMapperTests
{
    [Fact]
    public void UnmodelledFieldsItemsAndTools_PassThroughAsTheyCame()
    {
        var body = Sent("""
            {"model":"gpt-5.5","instructions":"Be brief.","input":[
               {"type":"message","role":"user","content":[{"type":"input_text","text":"Patch it"}]},
               {"type":"custom_tool_call","id":"ctc_1","call_id":"call_9","name":"apply_patch","input":"*** Begin Patch"},
               {"type":"custom_tool_call_output","call_id":"call_9","output":"ok"}],
             "tools":[{"type":"custom","name":"apply_patch","format":{"type":"grammar","syntax":"lark","definition":"start: x"}},
                      {"type":"function","name":"Bash","parameters":{"type":"object"},"strict":true}],
             "text":{"verbosity":"low","format":{"type":"json_object"}},"future_option":{"x":1}}
            """);

        var items = body.GetProperty("input");
        Assert.Equal("Be brief.", items[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("custom_tool_call", items[2].GetProperty("type").GetString());
        Assert.Equal("*** Begin Patch", items[2].GetProperty("input").GetString());
        Assert.False(items[2].TryGetProperty("id", out _));
        Assert.Equal("grammar", body.GetProperty("tools")[0].GetProperty("format").GetProperty("type").GetString());
        Assert.True(body.GetProperty("tools")[1].GetProperty("strict").GetBoolean());
        Assert.Equal("json_object", body.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(1, body.GetProperty("future_option").GetProperty("x").GetInt32());
    }

    [Fact]
    public void WhatTheBackendRejects_IsDroppedOrFixed()
    {
        var body = Sent("""
            {"model":"gpt-5.5","input":"Hi","store":true,"stream":false,"temperature":0.3,"top_p":1,"max_output_tokens":50,
             "metadata":{"k":"v"},"service_tier":"flex","truncation":"auto","user":"u","safety_identifier":"s","client_metadata":{"a":"b"}}
            """);

        foreach (var name in new[] { "temperature", "top_p", "max_output_tokens", "metadata", "service_tier", "truncation", "user", "safety_identifier", "client_metadata" })
        {
            Assert.False(body.TryGetProperty(name, out _), name);
        }

        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.False(body.TryGetProperty("instructions", out _));
        Assert.Equal(
            $$"""[{"type":"message","role":"developer","content":[{"type":"input_text","text":"{{InstructionsBuilder.Fallback}}"}]},{"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]}]""",
            body.GetProperty("input").GetRawText());
    }

    [Fact]
    public void Messages_StringContentGetsParts_SystemBecomesDeveloper()
    {
        var input = Sent("""
            {"model":"gpt-5.5","input":[{"role":"system","content":"Rules"},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello","id":"msg_1"}]}
            """).GetProperty("input");

        Assert.Equal("""{"role":"developer","content":[{"type":"input_text","text":"Rules"}],"type":"message"}""", input[1].GetRawText());
        Assert.Equal("""{"role":"assistant","content":[{"type":"output_text","text":"Hello"}],"type":"message"}""", input[3].GetRawText());
    }

    [Fact]
    public void ReasoningItems_AreTyped_SoTheRecoveryCanDropThem()
    {
        var mapped = ResponsesRequestMapper.ToCodexRequest(Parse("""
            {"model":"gpt-5.5","input":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Thinking"}],"encrypted_content":"gAAA"},{"role":"user","content":"Go on"}]}
            """), new ModelMappingOptions());

        var reasoning = Assert.IsType<CodexReasoningItem>(mapped.Body.Input[1]);
        Assert.Equal(("gAAA", "Thinking"), (reasoning.EncryptedContent, Assert.Single(reasoning.Summary).Text));
    }

    [Fact]
    public void Include_AlwaysAsksForEncryptedReasoning_KeepingTheClientsOwn()
    {
        var include = Sent("""{"model":"gpt-5.5","input":"Hi","include":["message.output_text.logprobs"]}""").GetProperty("include");

        Assert.Equal("""["message.output_text.logprobs","reasoning.encrypted_content"]""", include.GetRawText());
    }

    [Fact]
    public void EffortSuffix_BeatsReasoningEffort_AndTheSummaryIsKept()
    {
        var mapped = ResponsesRequestMapper.ToCodexRequest(
            Parse("""{"model":"gpt-5.5-xhigh","input":"Hi","reasoning":{"effort":"low","summary":"detailed"}}"""), new ModelMappingOptions());

        Assert.Equal(("gpt-5.5", "xhigh", "detailed"), (mapped.Body.Model, mapped.Body.Reasoning?.Effort, mapped.Body.Reasoning?.Summary));
        Assert.Equal("gpt-5.5-xhigh", mapped.RequestedModel);
    }

    [Fact]
    public void LiteModel_FunctionToolsGoInTheFunctionsNamespace_OtherToolsBesideIt()
    {
        var mapped = ResponsesRequestMapper.ToCodexRequest(Parse("""
            {"model":"gpt-6.1-sol","input":"Hi","parallel_tool_calls":false,
             "tools":[{"type":"function","name":"Bash","parameters":{"type":"object"},"strict":true},{"type":"custom","name":"apply_patch"}]}
            """), new ModelMappingOptions(), BuiltInCatalog.Snapshot);
        var body = JsonSerializer.SerializeToElement(mapped.Body, CodexJsonContext.Wire.CodexRequest);

        Assert.True(mapped.Body.ResponsesLite);
        Assert.False(body.TryGetProperty("tools", out _));
        var declared = body.GetProperty("input")[0];
        Assert.Equal(("additional_tools", "developer"), (declared.GetProperty("type").GetString(), declared.GetProperty("role").GetString()));
        Assert.Equal(
            """[{"type":"namespace","name":"functions","description":"","tools":[{"type":"function","name":"Bash","parameters":{"type":"object"},"strict":true}]},{"type":"custom","name":"apply_patch"}]""",
            declared.GetProperty("tools").GetRawText());
        Assert.Equal("""{"effort":"low","context":"all_turns"}""", body.GetProperty("reasoning").GetRawText());
        Assert.Equal("low", body.GetProperty("text").GetProperty("verbosity").GetString());
        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Fact]
    public void ClassicModel_TheClientsEffortIsClamped_AndItsSummaryKept()
    {
        var mapped = ResponsesRequestMapper.ToCodexRequest(
            Parse("""{"model":"gpt-5.5","input":"Hi","reasoning":{"effort":"max","summary":"concise"},"text":{"verbosity":"medium"}}"""),
            new ModelMappingOptions(), BuiltInCatalog.Snapshot);

        Assert.False(mapped.Body.ResponsesLite);
        Assert.Equal(("xhigh", "concise", null), (mapped.Body.Reasoning?.Effort, mapped.Body.Reasoning?.Summary, mapped.Body.Reasoning?.Context));
        Assert.Equal("medium", mapped.Body.Text?.Verbosity);
    }

    [Theory]
    [InlineData("""{"model":"gpt-5.5","input":"Hi","previous_response_id":"resp_1"}""", "previous_response_id")]
    [InlineData("""{"model":"gpt-5.5","input":"Hi","conversation":"conv_1"}""", "conversation")]
    [InlineData("""{"model":"gpt-5.5","input":"Hi","prompt":{"id":"pmpt_1"}}""", "prompt")]
    [InlineData("""{"model":"gpt-5.5","input":"Hi","background":true}""", "background")]
    [InlineData("""{"model":"gpt-5.5","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0]")]
    [InlineData("""{"input":"Hi"}""", "model")]
    [InlineData("""{"model":"gpt-5.5"}""", "input")]
    [InlineData("""{"model":"gpt-5.5","input":"Hi","tools":{}}""", "tools")]
    [InlineData("""{"model":"gpt-5.5","input":[{"role":"robot","content":"x"}]}""", "input[0].role")]
    public void WhatCannotWork_IsRefusedNamingTheParameter(string json, string param) =>
        Assert.Equal(param, Assert.Throws<OpenAIRequestException>(() => ResponsesRequestMapper.ToCodexRequest(Parse(json), new ModelMappingOptions())).Param);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonElement Sent(string json)
    {
        var mapped = ResponsesRequestMapper.ToCodexRequest(Parse(json), new ModelMappingOptions());
        return JsonDocument.Parse(JsonSerializer.Serialize(mapped.Body, CodexJsonContext.Wire.CodexRequest)).RootElement;
    }
}
