using System.Text;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Reusing the parsed messages of a body that a later one repeats: every result must be what a full parse of
/// the later body gives (compared as the serialised request), and every failure the full parse's failure.</summary>
public sealed class MessageHistoryParserTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GrowingConversation_ReusesTheRepeatedMessages_AndEqualsAFullParse(bool indented)
    {
        var conversation = new ClaudeCodeBody(turns: 6) { Indented = indented };
        var parser = new MessageHistoryParser(TimeProvider.System);
        var first = parser.Parse(conversation.Utf8())!;

        conversation.AddTurn();
        var second = conversation.Utf8();
        var parsed = parser.Parse(second)!;

        AssertSameAsFullParse(second, parsed);
        // The last message of the first body lost its cache_control marker, as Claude Code moves it to the new end.
        var repeated = first.Messages!.Count - 1;
        Assert.All(Enumerable.Range(0, repeated), i => Assert.Same(first.Messages[i], parsed.Messages![i]));
        Assert.All(Enumerable.Range(repeated, parsed.Messages!.Count - repeated),
            i => Assert.DoesNotContain(first.Messages, message => ReferenceEquals(message, parsed.Messages[i])));
    }

    [Fact]
    public void ManyTurns_EachParseEqualsAFullParse()
    {
        var conversation = new ClaudeCodeBody(turns: 2);
        var parser = new MessageHistoryParser(TimeProvider.System);
        for (var turn = 0; turn < 12; turn++)
        {
            var body = conversation.Utf8();
            AssertSameAsFullParse(body, parser.Parse(body)!);
            conversation.AddTurn();
        }
    }

    [Fact]
    public void EditedEarlierMessage_IsParsedAgain_WithEverythingAfterIt()
    {
        var conversation = new ClaudeCodeBody(turns: 6);
        var parser = new MessageHistoryParser(TimeProvider.System);
        var first = parser.Parse(conversation.Utf8())!;

        conversation.Messages[3]!["content"]![0]!["content"] = "[Old tool result content cleared]";
        var edited = conversation.Utf8();
        var parsed = parser.Parse(edited)!;

        AssertSameAsFullParse(edited, parsed);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Same(first.Messages![i], parsed.Messages![i]));
        Assert.All(Enumerable.Range(3, parsed.Messages!.Count - 3), i => Assert.NotSame(first.Messages![i], parsed.Messages[i]));
    }

    [Fact]
    public void SameBodyTwice_ReusesEveryMessage()
    {
        var body = new ClaudeCodeBody(turns: 4).Utf8();
        var parser = new MessageHistoryParser(TimeProvider.System);
        var first = parser.Parse(body)!;
        var again = parser.Parse(body)!;

        AssertSameAsFullParse(body, again);
        Assert.Equal(first.Messages!, again.Messages!, ReferenceEqualityComparer.Instance);
    }

    [Fact]
    public void DifferentModel_ParsesEveryMessageAgain()
    {
        var conversation = new ClaudeCodeBody(turns: 4);
        var parser = new MessageHistoryParser(TimeProvider.System);
        var first = parser.Parse(conversation.Utf8())!;

        conversation.Model = "claude-haiku-4-5";
        var other = conversation.Utf8();
        var parsed = parser.Parse(other)!;

        AssertSameAsFullParse(other, parsed);
        Assert.All(parsed.Messages!, message => Assert.DoesNotContain(first.Messages!, known => ReferenceEquals(known, message)));
    }

    [Fact]
    public void RecordIdleForLongerThanTheExpiry_IsForgotten()
    {
        var body = new ClaudeCodeBody(turns: 4).Utf8();
        var time = new FakeTimeProvider();
        var parser = new MessageHistoryParser(time);
        var first = parser.Parse(body)!;

        time.Advance(MessageHistoryParser.IdleExpiry - TimeSpan.FromSeconds(1));
        Assert.Same(first.Messages![0], parser.Parse(body)!.Messages![0]);
        time.Advance(MessageHistoryParser.IdleExpiry + TimeSpan.FromSeconds(1));
        Assert.NotSame(first.Messages[0], parser.Parse(body)!.Messages![0]);
    }

    [Fact]
    public void NinthConversation_PushesOutTheLeastRecentlyUsed()
    {
        var parser = new MessageHistoryParser(TimeProvider.System);
        var conversations = Enumerable.Range(0, 9).Select(i => new ClaudeCodeBody(turns: 4) { Model = $"model-{i}" }.Utf8()).ToList();
        var first = parser.Parse(conversations[0])!;
        var second = parser.Parse(conversations[1])!;
        parser.Parse(conversations[0]);
        foreach (var body in conversations.Skip(2))
        {
            parser.Parse(body);
        }

        Assert.Same(first.Messages![0], parser.Parse(conversations[0])!.Messages![0]);
        Assert.NotSame(second.Messages![0], parser.Parse(conversations[1])!.Messages![0]);
    }

    [Fact]
    public void SmallBodies_AreParsedInFull()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var parser = new MessageHistoryParser(TimeProvider.System);

        Assert.NotSame(parser.Parse(body)!.Messages![0], parser.Parse(body)!.Messages![0]);
    }

    [Fact]
    public void TrailingCommaAfterTheRepeatedMessages_FailsAsAFullParseDoes()
    {
        var conversation = new ClaudeCodeBody(turns: 4);
        var parser = new MessageHistoryParser(TimeProvider.System);
        var body = conversation.Utf8();
        parser.Parse(body);

        var text = Encoding.UTF8.GetString(body);
        var end = text.IndexOf("],\"system\"", StringComparison.Ordinal);
        var broken = Encoding.UTF8.GetBytes(text[..end] + ",]" + text[(end + 1)..]);

        AssertSameOutcomeAsFullParse(parser, broken);
    }

    [Fact]
    public void InvalidNewMessage_FailsWithTheFullBodysJsonPath()
    {
        var conversation = new ClaudeCodeBody(turns: 4);
        var parser = new MessageHistoryParser(TimeProvider.System);
        parser.Parse(conversation.Utf8());

        conversation.AddTurn();
        conversation.Messages[^2]!["content"] = 42;
        var body = conversation.Utf8();
        var failure = Assert.ThrowsAny<JsonException>(() => parser.Parse(body));

        Assert.Equal($"$.messages[{conversation.Messages.Count - 2}].content", failure.Path);
        AssertSameOutcomeAsFullParse(new MessageHistoryParser(TimeProvider.System), body);
    }

    [Fact]
    public void RandomEditsOfARememberedBody_GiveWhatAFullParseGives()
    {
        var conversation = new ClaudeCodeBody(turns: 5);
        var known = conversation.Utf8();
        conversation.AddTurn();
        var next = conversation.Utf8();
        var random = new Random(20261206);
        for (var i = 0; i < 300; i++)
        {
            var parser = new MessageHistoryParser(TimeProvider.System);
            parser.Parse(known);
            AssertSameOutcomeAsFullParse(parser, Mutate(next, random));
        }
    }

    /// <summary>One byte changed, inserted or removed, mostly inside the messages array.</summary>
    private static byte[] Mutate(byte[] body, Random random)
    {
        var start = Encoding.UTF8.GetString(body).IndexOf("\"messages\"", StringComparison.Ordinal);
        return RandomByteEdit.At(body, random.Next(100) < 90 ? random.Next(start, body.Length) : random.Next(body.Length), random);
    }

    private static void AssertSameAsFullParse(byte[] body, MessagesRequest parsed)
    {
        var full = JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.MessagesRequest)!;
        Assert.Equal(ParsedRequestText.Of(full), ParsedRequestText.Of(parsed));
    }

    private static void AssertSameOutcomeAsFullParse(MessageHistoryParser parser, byte[] body) =>
        Assert.Equal(ParsedRequestText.FullParseOutcome(body), ParsedRequestText.OutcomeOf(() => parser.Parse(body)));
}
