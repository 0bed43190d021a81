using System.Text;
using System.Text.Json;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;
using CodexProxy.Translation.Tokens;
using Xunit;

namespace CodexProxy.Tests.Translation.Tokens;

public sealed class KeptTextCountsTests
{
    [Fact]
    public void ResentText_IsCountedOnce_AndAnotherTextAgain()
    {
        var history = UniqueText(4_000);
        var calls = 0;
        int Count(string text)
        {
            calls++;
            return TokenCounter.CountText(text, TestContext.Current.CancellationToken);
        }

        var first = KeptTextCounts.Count(Read(history), Count);
        var resent = KeptTextCounts.Count(Read(history), Count);
        var edited = KeptTextCounts.Count(Read(history + "!"), Count);

        Assert.Equal(TokenCounter.CountText(history, TestContext.Current.CancellationToken), first);
        Assert.Equal(first, resent);
        Assert.Equal(2, calls);
        Assert.True(edited >= first);
    }

    [Fact]
    public void RepeatedMappedString_IsCountedOnce_AndAShortOneEachTime()
    {
        var instructions = UniqueText(4_000);
        var calls = 0;
        int Count(string text)
        {
            calls++;
            return TokenCounter.CountText(text, TestContext.Current.CancellationToken);
        }

        var first = KeptTextCounts.Count(instructions, Count);
        var again = KeptTextCounts.Count(new string(instructions.AsSpan()), Count);
        KeptTextCounts.Count(instructions + " more", Count);
        KeptTextCounts.Count((string?)null, Count);

        Assert.Equal(TokenCounter.CountText(instructions, TestContext.Current.CancellationToken), first);
        Assert.Equal(first, again);
        Assert.Equal(2, calls);
        var shortCalls = 0;
        KeptTextCounts.Count(new string('x', 100), _ => ++shortCalls);
        KeptTextCounts.Count(new string('x', 100), _ => ++shortCalls);
        Assert.Equal(2, shortCalls);
    }

    [Fact]
    public void ShortTexts_AreCountedEachTime_AndTheProxysOwnLongTextsOnce()
    {
        var calls = 0;
        int Count(string text)
        {
            calls++;
            return text.Length;
        }

        var shortText = UniqueText(100);
        KeptTextCounts.Count(Read(shortText), Count);
        KeptTextCounts.Count(Read(shortText), Count);
        var own = RawJsonString.FromString(UniqueText(4_000));
        KeptTextCounts.Count(own, Count);
        KeptTextCounts.Count(own, Count);

        Assert.Equal(3, calls);
    }

    [Fact]
    public void RequestCount_IsTheSameWhenItsHistoryIsRecounted()
    {
        var history = Read(UniqueText(8_000));
        CodexRequest Request() => new()
        {
            Model = "gpt-5.5",
            Input = [new CodexMessageItem("user", [new CodexInputText(history)]), new CodexFunctionCallOutputItem("call_1", new CodexFunctionOutput { Text = history })],
        };

        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(TokenCounter.Count(Request(), ct), TokenCounter.Count(Request(), ct));
    }

    /// <summary>Lines of text unique to this call (the cache is process-wide), with escapes as a client sends them.</summary>
    private static string UniqueText(int length)
    {
        var seed = Guid.NewGuid().ToString("N");
        var text = new StringBuilder();
        for (var line = 0; text.Length < length; line++)
        {
            text.Append(line).Append('\t').Append(seed).Append(" \"quoted\" line of a file\n");
        }

        return text.ToString(0, length);
    }

    private static RawJsonString Read(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(text)));
        reader.Read();
        return RawJsonString.Read(ref reader);
    }
}
