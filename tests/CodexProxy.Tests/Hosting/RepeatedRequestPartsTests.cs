using System.Text;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Hosting;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Reusing the parsed <c>system</c> and <c>tools</c> of earlier bodies: every result must be what a full
/// parse gives, and every failure the full parse's failure.</summary>
public sealed class RepeatedRequestPartsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OtherConversation_WithTheSamePromptAndTools_ReusesThem_AndEqualsAFullParse(bool indented)
    {
        var parts = new RepeatedRequestParts();
        var first = parts.Deserialize(new ClaudeCodeBody(turns: 1) { Indented = indented }.Utf8())!;
        var body = new ClaudeCodeBody(turns: 3) { Indented = indented, Model = "claude-sonnet-4-5" }.Utf8();

        var parsed = parts.Deserialize(body)!;

        Assert.Same(first.System, parsed.System);
        Assert.Same(first.Tools, parsed.Tools);
        Assert.Equal(2, parts.Reused);
        AssertSameOutcomeAsFullParse(new RepeatedRequestParts(), body);
        Assert.Equal(ParsedRequestText.FullParseOutcome(body), ParsedRequestText.Of(parsed));
    }

    [Fact]
    public void ChangedTools_AreParsedAgain_WhileTheSamePromptIsReused()
    {
        var parts = new RepeatedRequestParts();
        var first = parts.Deserialize(new ClaudeCodeBody(turns: 1).Utf8())!;
        var text = Encoding.UTF8.GetString(new ClaudeCodeBody(turns: 1).Utf8());
        var body = Encoding.UTF8.GetBytes(text.Replace("\"name\":\"Tool3\"", "\"name\":\"Tool3b\"", StringComparison.Ordinal));

        var parsed = parts.Deserialize(body)!;

        Assert.Same(first.System, parsed.System);
        Assert.NotSame(first.Tools, parsed.Tools);
        Assert.Equal("Tool3b", parsed.Tools![3].Name);
        Assert.Equal(ParsedRequestText.FullParseOutcome(body), ParsedRequestText.Of(parsed));
    }

    [Fact]
    public void NinthPrompt_PushesOutTheLeastRecentlyUsed()
    {
        var parts = new RepeatedRequestParts();
        var bodies = Enumerable.Range(0, 9)
            .Select(i => Encoding.UTF8.GetBytes($$"""{"model":"m","system":"{{i}}{{new string('s', 2000)}}","messages":[{"role":"user","content":"hi"}]}"""))
            .ToList();
        var first = parts.Deserialize(bodies[0])!;
        var second = parts.Deserialize(bodies[1])!;
        parts.Deserialize(bodies[0]);
        foreach (var body in bodies.Skip(2))
        {
            parts.Deserialize(body);
        }

        Assert.Same(first.System, parts.Deserialize(bodies[0])!.System);
        Assert.NotSame(second.System, parts.Deserialize(bodies[1])!.System);
    }

    [Fact]
    public void SmallValues_AreParsedEachTime()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","system":"Be brief.","messages":[{"role":"user","content":"hi"}]}""");
        var parts = new RepeatedRequestParts();

        Assert.NotSame(parts.Deserialize(body)!.System, parts.Deserialize(body)!.System);
        Assert.Equal(0, parts.Reused);
    }

    [Fact]
    public void RandomEditsOfABodyWithRememberedParts_GiveWhatAFullParseGives()
    {
        var known = new ClaudeCodeBody(turns: 1).Utf8();
        var next = Encoding.UTF8.GetString(new ClaudeCodeBody(turns: 2).Utf8());
        var random = new Random(20261207);
        for (var i = 0; i < 300; i++)
        {
            var parts = new RepeatedRequestParts();
            parts.Deserialize(known);
            AssertSameOutcomeAsFullParse(parts, Mutate(next, random));
        }
    }

    /// <summary>One byte changed, inserted or removed; half of the time next to where <c>system</c> or <c>tools</c>
    /// begins or ends, where a wrong split would show.</summary>
    private static byte[] Mutate(string text, Random random)
    {
        var body = Encoding.UTF8.GetBytes(text);
        int[] edges =
        [
            text.IndexOf("\"system\"", StringComparison.Ordinal), text.IndexOf("],\"tools\"", StringComparison.Ordinal),
            text.IndexOf("\"tools\"", StringComparison.Ordinal), text.IndexOf("],\"metadata\"", StringComparison.Ordinal),
        ];
        var at = random.Next(2) == 0
            ? Math.Clamp(edges[random.Next(edges.Length)] + random.Next(-3, 14), 0, body.Length - 1)
            : random.Next(body.Length);
        return RandomByteEdit.At(body, at, random);
    }

    private static void AssertSameOutcomeAsFullParse(RepeatedRequestParts parts, byte[] body) =>
        Assert.Equal(ParsedRequestText.FullParseOutcome(body), ParsedRequestText.OutcomeOf(() => parts.Deserialize(body)));
}
