using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.OpenAI;
using CodexProxy.Translation.ChatCompletions;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Translation.ChatCompletions;

public sealed class ChatRequestMapperTests
{
    private const string Tools = """
        "tools":[{"type":"function","function":{"name":"Bash","description":"Run","parameters":{"type":"object","properties":{"command":{"type":"string"}}},"strict":true}}]
        """;

    private static readonly ModelMappingOptions Models = new();

    [Fact]
    public void Messages_LeadingSystemAndDeveloperAreTheSystemPrompt_LaterOnesStayInPlaceAsDeveloper()
    {
        var mapped = Map("""
            {"model":"gpt-5.5","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
              {"role":"user","content":"Hi"},
              {"role":"system","content":"Now answer in French."}]}
            """);

        // As on /v1/messages, the system prompt is the first developer message (RequestShape), not the instructions.
        Assert.Null(mapped.Body.Instructions);
        Assert.Same(mapped.Body.SystemPrompt, mapped.Body.Input[0]);
        Assert.Equal(new CodexInputText("Be brief.\n\nUse tools."), Assert.Single(mapped.Body.SystemPrompt!.Content));
        Assert.Collection(Conversation(mapped),
            item => Assert.Equal("user", Assert.IsType<CodexMessageItem>(item).Role),
            item => Assert.Equal(new CodexInputText("Now answer in French."), Assert.Single(Assert.IsType<CodexMessageItem>(item).Content)));
        Assert.Equal("developer", ((CodexMessageItem)Conversation(mapped)[1]).Role);
    }

    [Fact]
    public void NoSystemMessage_SendsTheFallbackPrompt() =>
        Assert.Equal(
            new CodexInputText(InstructionsBuilder.Fallback),
            Assert.Single(Map("""{"model":"gpt-5.5","messages":[{"role":"user","content":"Hi"}]}""").Body.SystemPrompt!.Content));

    [Fact]
    public void Images_DataAndHttpUrlsGoUpstreamAsTheyAre_WithDetail()
    {
        var mapped = Map("""
            {"model":"gpt-5.5","messages":[{"role":"user","content":[
              {"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """);

        var parts = Assert.IsType<CodexMessageItem>(Assert.Single(Conversation(mapped))).Content;
        Assert.Equal(
            [new CodexInputText("Compare"), new CodexInputImage("data:image/png;base64,iVBORw0KGgo=", "low"), new CodexInputImage("https://example.com/cat.jpg")],
            parts);
    }

    [Fact]
    public void ToolHistory_AssistantCallsAndToolResultsBecomeCallItemsInOrder()
    {
        var mapped = Map("""
            {"model":"gpt-5.5","messages":[
              {"role":"user","content":"Read both"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"Read","arguments":"{\"path\":\"a\"}"}},
                {"id":"call_2","type":"function","function":{"name":"Read","arguments":"{\"path\":\"b\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"A"},
              {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"B"}]}]}
            """);

        Assert.Equal(
            [
                new CodexFunctionCallItem("Read", """{"path":"a"}""", "call_1"),
                new CodexFunctionCallItem("Read", """{"path":"b"}""", "call_2"),
            ],
            mapped.Body.Input.OfType<CodexFunctionCallItem>());
        Assert.Equal(["A", "B"], mapped.Body.Input.OfType<CodexFunctionCallOutputItem>().Select(o => o.Output.Text));
    }

    [Theory]
    [InlineData("\"auto\"", "\"auto\"")]
    [InlineData("\"none\"", "\"none\"")]
    [InlineData("\"required\"", "\"required\"")]
    [InlineData("""{"type":"function","function":{"name":"Bash"}}""", """{"type":"function","name":"Bash"}""")]
    public void ToolChoice_EveryFormMapsToTheResponsesForm(string chat, string codex)
    {
        var mapped = Map($$"""{"model":"gpt-5.5","messages":[{"role":"user","content":"Hi"}],"tool_choice":{{chat}},"parallel_tool_calls":false,{{Tools}}}""");

        Assert.Equal(codex, JsonSerializer.Serialize(mapped.Body.ToolChoice, CodexJsonContext.Default.CodexToolChoice));
        Assert.False(mapped.Body.ParallelToolCalls);
        var tool = Assert.IsType<CodexFunctionTool>(Assert.Single(mapped.Body.Tools!));
        Assert.Equal(("Bash", "Run", true), (tool.Name, tool.Description, tool.Strict));
    }

    [Fact]
    public void SamplingAndLengthParameters_AreNotSentUpstream()
    {
        var mapped = Map("""
            {"model":"gpt-5.5","messages":[{"role":"user","content":"Hi"}],"temperature":0.1,"top_p":0.9,"max_tokens":10,
             "max_completion_tokens":10,"stop":["x"],"presence_penalty":1,"frequency_penalty":1,"seed":7,"user":"u","metadata":{"a":"b"},"store":true}
            """);

        var sent = JsonSerializer.SerializeToElement(mapped.Body, CodexJsonContext.Wire.CodexRequest);
        foreach (var name in new[] { "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "user", "metadata" })
        {
            Assert.False(sent.TryGetProperty(name, out _), name);
        }

        Assert.False(sent.GetProperty("store").GetBoolean());
    }

    [Fact]
    public void ReasoningEffort_AndEffortSuffix_TheSuffixWins()
    {
        Assert.Equal("minimal", Map("""{"model":"gpt-5.5","reasoning_effort":"minimal","messages":[{"role":"user","content":"Hi"}]}""").Body.Reasoning?.Effort);
        var suffixed = Map("""{"model":"gpt-5.5-high","reasoning_effort":"low","messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(("gpt-5.5", "high"), (suffixed.Body.Model, suffixed.Body.Reasoning?.Effort));
        Assert.Equal("gpt-5.5-high", suffixed.RequestedModel);
    }

    [Fact]
    public void LiteModel_ToolsGoInAnAdditionalToolsItem_WithTheCataloguesEffortContextAndVerbosity()
    {
        var mapped = MapWithCatalogue($$"""{"model":"gpt-6.1-sol","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],{{Tools}}}""");

        Assert.True(mapped.Body.ResponsesLite);
        Assert.Null(mapped.Body.Tools);
        var declared = Assert.IsType<CodexAdditionalToolsItem>(mapped.Body.Input[0]);
        var functions = Assert.IsType<CodexNamespaceTool>(Assert.Single(declared.Tools));
        Assert.Equal("Bash", Assert.IsType<CodexFunctionTool>(Assert.Single(functions.Tools)).Name);
        Assert.Same(mapped.Body.SystemPrompt, mapped.Body.Input[1]);
        Assert.Equal(("low", EffortMapper.AllTurns, null), (mapped.Body.Reasoning?.Effort, mapped.Body.Reasoning?.Context, mapped.Body.Reasoning?.Summary));
        Assert.Equal("low", mapped.Body.Text?.Verbosity);
    }

    [Fact]
    public void ClassicModel_KeepsTopLevelTools_AndTheEffortIsClampedToWhatTheModelSupports()
    {
        var mapped = MapWithCatalogue($$"""{"model":"gpt-5.5","reasoning_effort":"minimal","verbosity":"high","messages":[{"role":"user","content":"Hi"}],{{Tools}}}""");

        Assert.False(mapped.Body.ResponsesLite);
        Assert.Equal("Bash", Assert.IsType<CodexFunctionTool>(Assert.Single(mapped.Body.Tools!)).Name);
        Assert.Equal(("low", null), (mapped.Body.Reasoning?.Effort, mapped.Body.Reasoning?.Context));
        Assert.Equal("high", mapped.Body.Text?.Verbosity);
    }

    [Fact]
    public void JsonSchemaResponseFormat_BecomesTextFormat()
    {
        var mapped = Map("""
            {"model":"gpt-5.5","messages":[{"role":"user","content":"Hi"}],"verbosity":"low",
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":{"type":"object"}}}}
            """);

        var text = JsonSerializer.Serialize(mapped.Body.Text!, CodexJsonContext.Default.CodexTextOptions);
        Assert.Equal("""{"verbosity":"low","format":{"type":"json_schema","name":"answer","strict":true,"schema":{"type":"object"}}}""", text);
    }

    [Theory]
    [InlineData(true, null, false)]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, null, true)]
    public void IncludeUsage_FollowsStreamOptions_AndIsAlwaysOnWithoutStreaming(bool stream, bool? includeUsage, bool expected)
    {
        var options = includeUsage is { } value ? $",\"stream_options\":{{\"include_usage\":{(value ? "true" : "false")}}}" : "";
        var mapped = Map($$"""{"model":"gpt-5.5","stream":{{(stream ? "true" : "false")}}{{options}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(expected, mapped.IncludeUsage);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}]}""", "model")]
    [InlineData("""{"model":"gpt-5.5","messages":[]}""", "messages")]
    [InlineData("""{"model":"gpt-5.5","messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"model":"gpt-5.5","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"gpt-5.5","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"gpt-5.5","reasoning_effort":"huge","messages":[{"role":"user","content":"Hi"}]}""", "reasoning_effort")]
    [InlineData("""{"model":"gpt-5.5","tool_choice":"sometimes","messages":[{"role":"user","content":"Hi"}]}""", "tool_choice")]
    public void BadInput_NamesTheParameter(string json, string param) =>
        Assert.Equal(param, Assert.Throws<OpenAIRequestException>(() => Map(json)).Param);

    /// <summary>The input after the system prompt.</summary>
    private static List<CodexInputItem> Conversation(ChatMappedRequest mapped) =>
        [.. mapped.Body.Input.Where(item => !ReferenceEquals(item, mapped.Body.SystemPrompt))];

    private static ChatMappedRequest MapWithCatalogue(string json) =>
        ChatRequestMapper.ToCodexRequest(JsonSerializer.Deserialize(json, OpenAIJsonContext.Default.ChatCompletionRequest)!, Models, BuiltInCatalog.Snapshot);

    private static ChatMappedRequest Map(string json) =>
        ChatRequestMapper.ToCodexRequest(JsonSerializer.Deserialize(json, OpenAIJsonContext.Default.ChatCompletionRequest)!, Models);
}
