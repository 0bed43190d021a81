using CodexProxy.Translation;
using CodexProxy.Translation.Tokens;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Tokens;

public sealed class TokenCounterTests
{
    [Theory]
    [InlineData("Hello, world!", 4)]
    [InlineData("hello world", 2)]
    [InlineData("", 0)]
    public void KnownTexts_HaveTheirO200kCounts(string text, int expected)
    {
        Assert.Equal(expected, TokenCounter.CountText(text));
    }

    [Fact]
    public void Request_CountsInstructionsEveryItemAndTools()
    {
        var body = Map("""
            {"model":"gpt-5.5","system":"hello world",
             "messages":[{"role":"user","content":"Hello, world!"},
                         {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"hello world"}]}],
             "tools":[{"name":"Bash","input_schema":{"type":"object","properties":{}}}]}
            """).Body;

        var expected = TokenCounter.ItemOverhead // the request's framing
            + TokenCounter.ItemOverhead + 2 // the system prompt, as the first developer item
            + TokenCounter.ItemOverhead + 4 // user message
            + TokenCounter.ItemOverhead + TokenCounter.CountText("Bash") + TokenCounter.CountText("{}") // function_call
            + TokenCounter.ItemOverhead + 2 // function_call_output
            + TokenCounter.ToolOverhead + TokenCounter.CountText("Bash")
            + TokenCounter.CountText("""{"type":"object","properties":{}}""");
        Assert.Equal(expected, TokenCounter.Count(body));
    }

    [Fact]
    public void Image_CostsItsTiles()
    {
        var png = ImageTokenEstimatorTests.Png(1024, 1024);
        var withImage = Map($$$"""
            {"model":"gpt-5.5","messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Convert.ToBase64String(png)}}}"}},
              {"type":"text","text":"hello world"}]}]}
            """).Body;
        var withoutImage = Map("""{"model":"gpt-5.5","messages":[{"role":"user","content":[{"type":"text","text":"hello world"}]}]}""").Body;

        Assert.Equal(630, TokenCounter.Count(withImage) - TokenCounter.Count(withoutImage));
    }

    [Fact]
    public void Pdf_CostsPerPage()
    {
        var pdf = "%PDF-1.4\n1 0 obj <</Type /Pages /Count 2>> endobj\n2 0 obj <</Type /Page>> endobj\n3 0 obj <</Type/Page>> endobj\n"u8.ToArray();
        var body = Map($$$"""
            {"model":"gpt-5.5","messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{Convert.ToBase64String(pdf)}}}"}}]}]}
            """).Body;

        Assert.Equal(2, PdfPages.Count(pdf));
        Assert.InRange(TokenCounter.Count(body), 2 * TokenCounter.TokensPerPdfPage, (2 * TokenCounter.TokensPerPdfPage) + 30);
    }
}
