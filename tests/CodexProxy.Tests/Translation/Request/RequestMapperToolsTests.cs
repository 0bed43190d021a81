using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

public sealed class RequestMapperToolsTests
{
    private const string LongMcpName = "mcp__a_very_long_server_name_for_testing__and_an_even_longer_tool_name_here";

    [Fact]
    public void FunctionTools_KeepDescription_AndNormaliseSchema()
    {
        var mapped = MapWith("""
            "tools":[{"name":"Write","description":"Writes a file","input_schema":{
              "$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
              "properties":{"file_path":{"description":"Path","type":"string"}},
              "required":["file_path"],"additionalProperties":false}}]
            """);

        var tool = Assert.IsType<CodexFunctionTool>(Assert.Single(mapped.Body.Tools!));
        Assert.Equal("Write", tool.Name);
        Assert.Equal("Writes a file", tool.Description);
        Assert.False(tool.Strict);
        Assert.Equal(
            """{"type":"object","properties":{"file_path":{"description":"Path","type":"string"}},"required":["file_path"],"additionalProperties":false}""",
            tool.Parameters.GetRawText());
    }

    [Fact]
    public void WebSearchServerTool_BecomesHostedWebSearch_WithFiltersAndLocation()
    {
        var mapped = MapWith("""
            "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5,
              "allowed_domains":["example.com","docs.rs"],
              "user_location":{"type":"approximate","city":"Seoul","country":"KR"}}]
            """);

        var tool = Assert.IsType<CodexWebSearchTool>(Assert.Single(mapped.Body.Tools!));
        var json = ToJson(mapped.Body);
        Assert.Contains(
            """
            "tools":[{"type":"web_search","filters":{"allowed_domains":["example.com","docs.rs"]},"user_location":{"type":"approximate","city":"Seoul","country":"KR"}}]
            """,
            json,
            StringComparison.Ordinal);
        Assert.DoesNotContain("max_uses", json, StringComparison.Ordinal);
        Assert.NotNull(tool.Settings);
    }

    [Fact]
    public void WebSearchServerTool_WithoutSettings_IsBare()
    {
        var mapped = MapWith("""
            "tools":[{"type":"web_search_20260209","name":"web_search"}]
            """);

        Assert.Contains("\"tools\":[{\"type\":\"web_search\"}]", ToJson(mapped.Body), StringComparison.Ordinal);
    }

    [Fact]
    public void LongToolNames_AreShortened_InToolsHistoryAndChoice_AndRoundTrip()
    {
        var mapped = Map($$$"""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"{{{LongMcpName}}}","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}],
             "tools":[{"name":"{{{LongMcpName}}}","input_schema":{"type":"object","properties":{} } }],
             "tool_choice":{"type":"tool","name":"{{{LongMcpName}}}"}}
            """);

        var codexName = Assert.IsType<CodexFunctionTool>(Assert.Single(mapped.Body.Tools!)).Name;
        Assert.True(codexName.Length <= ToolNameMap.MaxCodexNameLength);
        Assert.NotEqual(LongMcpName, codexName);
        Assert.Equal(codexName, mapped.Body.Input.OfType<CodexFunctionCallItem>().Single().Name);
        Assert.Equal(codexName, mapped.Body.ToolChoice.FunctionName);
        Assert.Equal(LongMcpName, mapped.ToolNames.ToAnthropic(codexName));
    }

    [Fact]
    public void LongToolNameOnlyInHistory_IsStillShortened()
    {
        var mapped = Map($$$"""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"{{{LongMcpName}}}","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}
            """);

        var call = mapped.Body.Input.OfType<CodexFunctionCallItem>().Single();
        Assert.True(call.Name.Length <= ToolNameMap.MaxCodexNameLength);
        Assert.Equal(LongMcpName, mapped.ToolNames.ToAnthropic(call.Name));
    }

    [Theory]
    [InlineData("", "\"auto\"")]
    [InlineData("\"tool_choice\":{\"type\":\"auto\"}", "\"auto\"")]
    [InlineData("\"tool_choice\":{\"type\":\"any\"}", "\"required\"")]
    [InlineData("\"tool_choice\":{\"type\":\"none\"}", "\"none\"")]
    [InlineData("\"tool_choice\":{\"type\":\"tool\",\"name\":\"Bash\"}", "{\"type\":\"function\",\"name\":\"Bash\"}")]
    [InlineData("\"tool_choice\":{\"type\":\"tool\",\"name\":\"web_search\"}", "{\"type\":\"web_search\"}")]
    public void ToolChoice_MapsEachForm(string member, string expectedJson)
    {
        var tools = """
            "tools":[{"name":"Bash","input_schema":{"type":"object","properties":{}}},{"type":"web_search_20250305","name":"web_search"}]
            """;
        var mapped = MapWith(member.Length == 0 ? tools : $"{tools},{member}");

        using var document = JsonDocument.Parse(ToJson(mapped.Body));
        Assert.Equal(expectedJson, document.RootElement.GetProperty("tool_choice").GetRawText());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("\"tool_choice\":{\"type\":\"auto\"}", true)]
    [InlineData("\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":false}", true)]
    [InlineData("\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}", false)]
    [InlineData("\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true}", false)]
    public void DisableParallelToolUse_TurnsOffParallelToolCalls(string member, bool expected)
    {
        Assert.Equal(expected, MapWith(member).Body.ParallelToolCalls);
    }
}
