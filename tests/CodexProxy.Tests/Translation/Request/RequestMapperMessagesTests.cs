using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

public sealed class RequestMapperMessagesTests
{
    private static readonly string OurSignature = ThinkingSignature.Encode("rs_1", "gAAAAenc==");

    [Fact]
    public void System_JoinsTextBlocks_AndDropsBillingHeader()
    {
        var mapped = MapWith("""
            "system":[
              {"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.197.123; cc_entrypoint=sdk-cli;"},
              {"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},
              {"type":"text","text":""},
              {"type":"text","text":"Main prompt."}]
            """);

        Assert.Equal("You are Claude Code.\n\nMain prompt.", Prompt(mapped.Body));
    }

    [Fact]
    public void System_KeepsTheClientBytes_SoWritingItUpstreamEscapesNothing()
    {
        var mapped = MapWith("""
            "system":[
              {"type":"text","text":"  x-anthropic-billing-header: cc_version=2.1.197.123;"},
              {"type":"text","text":"Line one\nline \"two\""},
              {"type":"text","text":"caf\u00e9"}]
            """);

        var prompt = Assert.IsType<CodexInputText>(Assert.Single(mapped.Body.SystemPrompt!.Content)).Text;
        Assert.True(prompt.IsRaw);
        Assert.Equal("\"Line one\\nline \\\"two\\\"\\n\\ncaf\\u00e9\"", System.Text.Encoding.UTF8.GetString(prompt.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"system\":\"   \"")]
    [InlineData("\"system\":[{\"type\":\"text\",\"text\":\" \\n\\u2028\\u00a0\"},{\"type\":\"text\",\"text\":\"\\t\"}]")]
    [InlineData("\"system\":\"\u00a0\u3000\"")]
    [InlineData("\"system\":\"\"")]
    [InlineData("\"system\":[{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=1;\"}]")]
    public void System_Empty_FallsBackToNeutralInstructions(string member)
    {
        Assert.Equal(InstructionsBuilder.Fallback, Prompt(MapWith(member).Body));
    }

    [Theory]
    [InlineData("nu", "nu")]
    [InlineData(" \\u0041 ", " A ")]
    [InlineData("\\n\\u00e9", "\né")]
    public void System_MadeOfTheBytesWhiteSpaceIsSpelledWith_IsKeptUnlessItIsWhiteSpace(string json, string expected)
    {
        Assert.Equal(expected, Prompt(MapWith($"\"system\":\"{json}\"").Body));
    }

    [Fact]
    public void System_StringForm_BecomesInstructions()
    {
        Assert.Equal("Be brief.", Prompt(MapWith("\"system\":\"Be brief.\"").Body));
    }

    [Fact]
    public void SystemRoleMessage_BecomesDeveloperMessage_AtSamePosition()
    {
        var mapped = Map("""
            {"model":"claude-opus-4-8","messages":[
              {"role":"user","content":[{"type":"text","text":"<system-reminder>date</system-reminder>"},{"type":"text","text":"hello"}]},
              {"role":"system","content":"Agents: Explore, Plan"},
              {"role":"assistant","content":"hi there"},
              {"role":"user","content":"next"}]}
            """);

        Assert.Equal(
            [
                """{"type":"message","role":"user","content":[{"type":"input_text","text":"<system-reminder>date</system-reminder>"},{"type":"input_text","text":"hello"}]}""",
                """{"type":"message","role":"developer","content":[{"type":"input_text","text":"Agents: Explore, Plan"}]}""",
                """{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hi there"}]}""",
                """{"type":"message","role":"user","content":[{"type":"input_text","text":"next"}]}""",
            ],
            InputJson(mapped.Body));
    }

    [Fact]
    public void ClaudeCodeHistory_KeepsBlockOrder_AcrossToolCallsAndThinking()
    {
        var mapped = Map($$$"""
            {"model":"claude-opus-4-8","messages":[
              {"role":"user","content":"List files and show the logo"},
              {"role":"assistant","content":[
                {"type":"thinking","thinking":"I should run ls.","signature":"{{{OurSignature}}}"},
                {"type":"thinking","thinking":"foreign","signature":"EqQBCkYIBxgCKkDfake"},
                {"type":"thinking","thinking":"unsigned","signature":""},
                {"type":"redacted_thinking","data":"abc"},
                {"type":"text","text":"Let me look."},
                {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls","description":"List files"}},
                {"type":"tool_use","id":"toolu_2","name":"Read","input":{"file_path":"/logo.png"}}]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt\nlogo.png","is_error":false,"cache_control":{"type":"ephemeral"}},
                {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}}]},
                {"type":"text","text":"Thanks"}]},
              {"role":"assistant","content":[{"type":"text","text":"Done."}]}]}
            """);

        Assert.Equal(
            [
                """{"type":"message","role":"user","content":[{"type":"input_text","text":"List files and show the logo"}]}""",
                """{"type":"reasoning","summary":[{"type":"summary_text","text":"I should run ls."}],"content":null,"encrypted_content":"gAAAAenc=="}""",
                """{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me look."}]}""",
                """{"type":"function_call","status":"completed","name":"Bash","arguments":"{\"command\":\"ls\",\"description\":\"List files\"}","call_id":"toolu_1"}""",
                """{"type":"function_call","status":"completed","name":"Read","arguments":"{\"file_path\":\"/logo.png\"}","call_id":"toolu_2"}""",
                """{"type":"function_call_output","call_id":"toolu_1","output":"a.txt\nlogo.png"}""",
                """{"type":"function_call_output","call_id":"toolu_2","output":[{"type":"input_image","image_url":"data:image/png;base64,iVBOR"}]}""",
                """{"type":"message","role":"user","content":[{"type":"input_text","text":"Thanks"}]}""",
                """{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Done."}]}""",
            ],
            InputJson(mapped.Body));
    }

    [Fact]
    public void Thinking_WithEmptyText_ReplaysEmptySummary()
    {
        var mapped = Map($$$"""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"thinking","thinking":"","signature":"{{{OurSignature}}}"},{"type":"text","text":"a"}]}]}
            """);

        var reasoning = Assert.IsType<CodexReasoningItem>(Conversation(mapped.Body)[1]);
        Assert.Empty(reasoning.Summary);
        Assert.Equal("gAAAAenc==", reasoning.EncryptedContent);
        Assert.Null(reasoning.Content);
    }

    [Fact]
    public void AssistantText_SplitsAroundToolUse()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"text","text":"before"},{"type":"tool_use","id":"t1","name":"Bash","input":{}},{"type":"text","text":"after"}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}
            """);

        Assert.Collection(
            Conversation(mapped.Body),
            item => Assert.IsType<CodexMessageItem>(item),
            item => Assert.Equal("before", Assert.IsType<CodexOutputText>(Assert.IsType<CodexMessageItem>(item).Content.Single()).Text),
            item => Assert.IsType<CodexFunctionCallItem>(item),
            item => Assert.Equal("after", Assert.IsType<CodexOutputText>(Assert.IsType<CodexMessageItem>(item).Content.Single()).Text),
            item => Assert.IsType<CodexFunctionCallOutputItem>(item));
    }

    [Fact]
    public void UserImages_Base64AndUrl_StayInOneMessageWithText()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"text","text":"Compare"},
              {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
              {"type":"text","text":""},
              {"type":"image","source":{"type":"url","url":"https://example.com/b.png"}}]}]}
            """);

        var message = Assert.IsType<CodexMessageItem>(Assert.Single(Conversation(mapped.Body)));
        Assert.Equal("user", message.Role);
        Assert.Equal(
            [
                new CodexInputText("Compare"),
                new CodexInputImage("data:image/jpeg;base64,/9j/4AAQ"),
                new CodexInputImage("https://example.com/b.png"),
            ],
            message.Content);
    }

    [Fact]
    public void ToolUse_WithoutInput_SendsEmptyObject_AndCompactsWhitespace()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[
                {"type":"tool_use","id":"t1","name":"TaskList"},
                {"type":"tool_use","id":"t2","name":"Write","input":{ "file_path" : "/한글.txt",  "content" : "<a & b>" }}]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"t1","content":""},
                {"type":"tool_result","tool_use_id":"t2"}]}]}
            """);

        var calls = Conversation(mapped.Body).OfType<CodexFunctionCallItem>().ToArray();
        Assert.Equal("{}", calls[0].Arguments);
        Assert.Equal("""{"file_path":"/한글.txt","content":"<a & b>"}""", calls[1].Arguments);
        var outputs = Conversation(mapped.Body).OfType<CodexFunctionCallOutputItem>().ToArray();
        Assert.All(outputs, o => Assert.Equal(string.Empty, o.Output.Text));
    }

    [Fact]
    public void ToolResult_IsError_PrefixesTextOutput()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"false"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,
                "content":[{"type":"text","text":"Exit code 1"},{"type":"text","text":"stderr: boom"}]}]}]}
            """);

        var output = Assert.IsType<CodexFunctionCallOutputItem>(Conversation(mapped.Body)[^1]);
        Assert.Equal("[tool error] Exit code 1\nstderr: boom", output.Output.Text);
        Assert.Null(output.Output.Parts);
    }

    [Fact]
    public void ToolResult_IsErrorWithImages_KeepsImagesAndMarksText()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Shot","input":{}},{"type":"tool_use","id":"t2","name":"Shot","input":{}}]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"t1","is_error":true,"content":[
                  {"type":"text","text":"partial"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAA"}}]},
                {"type":"tool_result","tool_use_id":"t2","is_error":true,"content":[
                  {"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}]}
            """);

        var outputs = Conversation(mapped.Body).OfType<CodexFunctionCallOutputItem>().ToArray();
        Assert.Equal(
            [new CodexInputText("[tool error] partial"), new CodexInputImage("data:image/png;base64,AAA")],
            outputs[0].Output.Parts);
        Assert.Equal(
            [new CodexInputText("[tool error]"), new CodexInputImage("https://x/y.png")],
            outputs[1].Output.Parts);
    }

    [Fact]
    public void Documents_MapToFileTextOrContentParts()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0"}},
              {"type":"document","title":"spec.pdf","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi1"}},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain notes"}},
              {"type":"document","source":{"type":"content","content":[{"type":"text","text":"chunk 1"},{"type":"text","text":"chunk 2"}]}},
              {"type":"text","text":"Summarise"}]}]}
            """);

        var message = Assert.IsType<CodexMessageItem>(Assert.Single(Conversation(mapped.Body)));
        Assert.Equal(
            [
                new CodexInputFile("document.pdf", "data:application/pdf;base64,JVBERi0"),
                new CodexInputFile("spec.pdf", "data:application/pdf;base64,JVBERi1"),
                new CodexInputText("plain notes"),
                new CodexInputText("chunk 1"),
                new CodexInputText("chunk 2"),
                new CodexInputText("Summarise"),
            ],
            message.Content);
    }

    [Fact]
    public void ServerToolBlocksInHistory_AreDropped()
    {
        var mapped = Map("""
            {"model":"m","messages":[{"role":"user","content":"news?"},
              {"role":"assistant","content":[
                {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"news"}},
                {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"https://n","title":"N"}]},
                {"type":"text","text":"Here is the news."}]}]}
            """);

        Assert.Equal(2, Conversation(mapped.Body).Count);
        Assert.Equal("Here is the news.", Assert.IsType<CodexOutputText>(Assert.IsType<CodexMessageItem>(Conversation(mapped.Body)[1]).Content.Single()).Text);
    }

    [Fact]
    public void MessageWithOnlyEmptyText_ProducesNoItem()
    {
        var mapped = Map("""{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"text","text":""}]}]}""");

        Assert.Single(Conversation(mapped.Body));
    }
}
