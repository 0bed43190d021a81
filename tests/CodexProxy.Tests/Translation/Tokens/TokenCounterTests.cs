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
        Assert.Equal(expected, TokenCounter.CountText(text, TestContext.Current.CancellationToken));
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
            + TokenCounter.ItemOverhead + TokenCounter.CountText("Bash", TestContext.Current.CancellationToken) + TokenCounter.CountText("{}", TestContext.Current.CancellationToken) // function_call
            + TokenCounter.ItemOverhead + 2 // function_call_output
            + TokenCounter.ToolOverhead + TokenCounter.CountText("Bash", TestContext.Current.CancellationToken)
            + TokenCounter.CountText("""{"type":"object","properties":{}}""", TestContext.Current.CancellationToken);
        Assert.Equal(expected, TokenCounter.Count(body, TestContext.Current.CancellationToken));
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

        Assert.Equal(630, TokenCounter.Count(withImage, TestContext.Current.CancellationToken) - TokenCounter.Count(withoutImage, TestContext.Current.CancellationToken));
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
        Assert.InRange(TokenCounter.Count(body, TestContext.Current.CancellationToken), 2 * TokenCounter.TokensPerPdfPage, (2 * TokenCounter.TokensPerPdfPage) + 30);
    }

    [Theory]
    [InlineData('a', 26)]
    [InlineData('A', 26)]
    [InlineData('漢', 400)]
    public void LongRunOfOneClass_CountsCloseToTheUncappedMerge(char first, int letters)
    {
        // A run the pre-tokenizer keeps as one piece (a long identifier, a hash, CJK prose without punctuation).
        var random = new Random(13);
        var text = string.Create(8 * 1024, (first, letters, random), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(state.first + state.random.Next(state.letters));
            }
        });
        var uncapped = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(text);

        var capped = TokenCounter.CountText(text, TestContext.Current.CancellationToken);

        Assert.InRange(capped, uncapped, uncapped * 1.01);
    }

    [Fact]
    public void SurrogatePairs_AreNeverCutInTwo()
    {
        var text = string.Concat(Enumerable.Repeat("😀", TokenCounter.MaxPieceLength));
        var uncapped = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(text);

        Assert.InRange(TokenCounter.CountText(text, TestContext.Current.CancellationToken), uncapped, uncapped * 1.02);
    }

    [Fact]
    public void CancelledToken_StopsTheCount()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var body = Map($$"""{"model":"gpt-5.5","messages":[{"role":"user","content":"{{new string('a', 4096)}} {{new string('b', 4096)}}"}]}""").Body;

        Assert.Throws<OperationCanceledException>(() => TokenCounter.Count(body, cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => TokenCounter.CountText("hello world", cancelled.Token));
    }
}
