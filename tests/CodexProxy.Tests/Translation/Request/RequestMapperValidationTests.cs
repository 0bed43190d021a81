using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

public sealed class RequestMapperValidationTests
{
    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"q"}]}""", "model: is required")]
    [InlineData("""{"model":" ","messages":[{"role":"user","content":"q"}]}""", "model: is required")]
    [InlineData("""{"model":"m"}""", "messages: must contain at least one message")]
    [InlineData("""{"model":"m","messages":[]}""", "messages: must contain at least one message")]
    [InlineData("""{"model":"m","messages":[{"role":"tool","content":"q"}]}""", "messages[0].role: unsupported role 'tool' (expected user, assistant or system)")]
    [InlineData("""{"model":"m","messages":[{"content":"q"}]}""", "messages[0].role: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user"}]}""", "messages[0].content: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"foo"}]}]}""", "messages[1].content[1].type: unknown content block type 'foo'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"text":"a"}]}]}""", "messages[0].content[0].type: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages[0].content[0].source.type: unsupported image source 'file'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image"}]}]}""", "messages[0].content[0].source: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"AA"}}]}]}""", "messages[0].content[0].source.media_type: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://x/a.pdf"}}]}]}""", "messages[0].content[0].source.type: unsupported document source 'url'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"text/csv","data":"AA"}}]}]}""", "messages[0].content[0].source.media_type: unsupported document type 'text/csv' (only application/pdf)")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"n","input":{}}]}]}""", "messages[0].content[0].type: 'tool_use' blocks are only allowed in assistant messages")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_result","tool_use_id":"t"}]}]}""", "messages[0].content[0].type: 'tool_result' blocks are only allowed in user messages")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","name":"n"}]}]}""", "messages[0].content[0].id: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t"}]}]}""", "messages[0].content[0].name: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}""", "messages[0].content[0].tool_use_id: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"bogus"}]}]}]}""", "messages[0].content[0].content[0].type: unsupported block type 'bogus' in a tool_result")]
    [InlineData("""{"model":"m","system":[{"type":"image"}],"messages":[{"role":"user","content":"q"}]}""", "system[0].type: only text blocks are allowed, not 'image'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tools":[{"description":"d","input_schema":{}}]}""", "tools[0].name: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tools":[{"name":"a","input_schema":{}},{"name":"b","input_schema":{}},{"input_schema":{}}]}""", "tools[2].name: is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tools":[{"type":"bash_20250124","name":"bash"}]}""", "tools[0].type: unsupported server tool 'bash_20250124'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tools":[{"name":"a","input_schema":[1]}]}""", "tools[0].input_schema: must be a JSON object")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tool_choice":{"type":"tool"}}""", "tool_choice.name: is required when type is 'tool'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tool_choice":{"type":"sometimes"}}""", "tool_choice.type: unknown tool choice 'sometimes'")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"},null]}""", "messages[1]: must be an object, not null")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"q"}],"tools":[null]}""", "tools[0]: must be an object, not null")]
    public void BadInput_ThrowsInvalidRequest_NamingThePath(string json, string expectedMessage)
    {
        Assert.Equal(expectedMessage, InvalidMessage(json));
    }
}
