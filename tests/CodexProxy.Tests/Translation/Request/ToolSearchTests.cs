using System.Text.Json;
using CodexProxy.Codex.Wire;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

/// <summary>
/// Claude Code 2.1.328's tool search, shaped as it sends it: ToolSearch and a <c>DeferredToolPlaceholder</c>
/// (<c>defer_loading</c>) up front; after the model's ToolSearch call, a <c>tool_result</c> holding a
/// <c>tool_reference</c>, and the loaded tool added to <c>tools</c> (in name order) with <c>defer_loading</c>.
/// </summary>
public sealed class ToolSearchTests
{
    private const string Bash = """{"name":"Bash","description":"Runs a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}""";
    private const string ToolSearchTool = """{"name":"ToolSearch","description":"Loads deferred tools","input_schema":{"type":"object","properties":{"query":{"type":"string"}}}}""";
    private const string Placeholder = """{"name":"DeferredToolPlaceholder","description":"Never call this tool.","input_schema":{"type":"object","properties":{}},"defer_loading":true}""";
    private const string CronList = """{"name":"CronList","description":"Lists cron jobs","input_schema":{"type":"object","properties":{}},"defer_loading":true}""";
    private const string CronCreate = """{"name":"CronCreate","description":"Creates a cron job","input_schema":{"type":"object","properties":{"cron":{"type":"string"}}},"defer_loading":true}""";

    private const string FirstTurn = """
        {"role":"user","content":[{"type":"text","text":"List my cron jobs","cache_control":{"type":"ephemeral"}}]},
        {"role":"system","content":[{"type":"text","text":"Deferred tools: CronCreate, CronList","cache_control":{"type":"ephemeral"}}],"output_config":{"effort":"medium"}}
        """;

    private const string SearchCall = """
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_ts","name":"ToolSearch","input":{"query":"select:CronList","max_results":5}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_ts","content":[{"type":"tool_reference","tool_name":"CronList"}]},
                                  {"type":"text","text":"Tool loaded.","cache_control":{"type":"ephemeral"}}]}
        """;

    [Fact]
    public void BeforeAnySearch_DeferredToolsAndThePlaceholder_AreNotOffered()
    {
        var body = Map(Request([Bash, CronList, ToolSearchTool, Placeholder], FirstTurn)).Body;

        Assert.Equal(["Bash", "ToolSearch"], FunctionNames(body));
    }

    [Fact]
    public void ToolReferenceInAToolResult_BecomesText_AndLoadsTheToolAtTheEndOfTheList()
    {
        var body = Map(Request([Bash, CronList, ToolSearchTool, Placeholder], FirstTurn + "," + SearchCall)).Body;

        Assert.Equal(["Bash", "ToolSearch", "CronList"], FunctionNames(body));
        var output = Assert.Single(Conversation(body).OfType<CodexFunctionCallOutputItem>());
        Assert.Equal("Loaded tools: CronList", output.Output.Text);
        Assert.Contains(InputJson(body), item => item.Contains("Tool loaded.", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadedTools_KeepTheOrderTheyWereLoadedIn_NotTheClientsOrder()
    {
        const string SecondSearch = """
            {"role":"assistant","content":[{"type":"tool_use","id":"toolu_ts2","name":"ToolSearch","input":{"query":"cron"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_ts2","content":[{"type":"tool_reference","tool_name":"CronCreate"},{"type":"tool_reference","tool_name":"CronList"}]}]}
            """;

        var body = Map(Request([Bash, CronCreate, CronList, ToolSearchTool, Placeholder], FirstTurn + "," + SearchCall + "," + SecondSearch)).Body;

        Assert.Equal(["Bash", "ToolSearch", "CronList", "CronCreate"], FunctionNames(body));
        Assert.Equal("Loaded tools: CronCreate, CronList", Conversation(body).OfType<CodexFunctionCallOutputItem>().Last().Output.Text);
    }

    [Fact]
    public void LoadingATool_LeavesThePreviouslySentToolsAndInputBytesInPlace()
    {
        var before = ToJson(Map(Request([Bash, ToolSearchTool, Placeholder], FirstTurn), sessionId: "s").Body);
        var afterBody = Map(Request([Bash, CronList, ToolSearchTool, Placeholder], FirstTurn + "," + SearchCall), sessionId: "s").Body;
        var after = ToJson(afterBody);

        Assert.StartsWith(ToolsJson(before).TrimEnd(']'), ToolsJson(after), StringComparison.Ordinal);
        Assert.StartsWith(InputJoined(before), InputJoined(after), StringComparison.Ordinal);
    }

    [Fact]
    public void TopLevelToolReference_IsAccepted_AsText()
    {
        const string Turns = """
            {"role":"user","content":[{"type":"tool_reference","tool_name":"CronList"},{"type":"text","text":"use it"}]}
            """;

        var body = Map(Request([CronList, Placeholder], Turns)).Body;

        Assert.Equal(["CronList"], FunctionNames(body));
        var message = Assert.IsType<CodexMessageItem>(Assert.Single(Conversation(body)));
        Assert.Equal(["Loaded tools: CronList", "use it"], message.Content.Cast<CodexInputText>().Select(p => p.Text));
    }

    [Fact]
    public void ReferenceToAToolNotInTheRequest_IsOnlyText()
    {
        var body = Map(Request([Bash, ToolSearchTool], FirstTurn + "," + SearchCall)).Body;

        Assert.Equal(["Bash", "ToolSearch"], FunctionNames(body));
    }

    [Fact]
    public void ToolReferenceWithoutAName_Is400WithItsPath()
    {
        const string Turns = """
            {"role":"user","content":"q"},
            {"role":"assistant","content":[{"type":"tool_use","id":"toolu_ts","name":"ToolSearch","input":{}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_ts","content":[{"type":"tool_reference"}]}]}
            """;

        Assert.Equal("messages[2].content[0].content[0].tool_name: is required", InvalidMessage(Request([ToolSearchTool], Turns)));
    }

    private static string Request(string[] tools, string messages) =>
        $$"""{"model":"claude-opus-5-5","max_tokens":128000,"stream":true,"system":"You are Claude Code.","tools":[{{string.Join(",", tools)}}],"messages":[{{messages}}]}""";

    private static string[] FunctionNames(CodexRequest body) => [.. body.Tools!.OfType<CodexFunctionTool>().Select(t => t.Name)];

    private static string ToolsJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("tools").GetRawText();
    }

    private static string InputJoined(string json)
    {
        using var document = JsonDocument.Parse(json);
        return string.Join(",", document.RootElement.GetProperty("input").EnumerateArray().Select(i => i.GetRawText()));
    }
}
