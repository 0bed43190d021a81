using CodexProxy.Anthropic;
using CodexProxy.IO;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Translation.Request;

public sealed class InstructionsBuilderTests
{
    private static readonly string LongText = string.Concat(Enumerable.Repeat("Use the tools available to you. ", 64));

    [Fact]
    public void SameSystemList_IsJoinedOnce()
    {
        IReadOnlyList<ContentBlock> system = [Text("You are Claude Code."), Text(LongText)];

        var first = InstructionsBuilder.Build(system);
        var second = InstructionsBuilder.Build(system);

        Assert.Same(first, second);
        Assert.Equal("You are Claude Code.\n\n" + LongText, first.Decode());
    }

    [Fact]
    public void EqualSystemInAnotherList_GivesEqualInstructions()
    {
        var first = InstructionsBuilder.Build([Text("You are Claude Code."), Text(LongText)]);
        var second = InstructionsBuilder.Build([Text("You are Claude Code."), Text(LongText)]);

        Assert.Equal(first, second);
    }

    [Fact]
    public void InvalidBlockInRememberedSize_StillRejectedEveryTime()
    {
        IReadOnlyList<ContentBlock> system = [Text(LongText), new ContentBlock { Type = "image" }];

        Assert.Throws<InvalidRequestException>(() => InstructionsBuilder.Build(system));
        Assert.Throws<InvalidRequestException>(() => InstructionsBuilder.Build(system));
    }

    private static ContentBlock Text(string text) => new() { Type = "text", Text = RawJsonString.Escaped(text) };
}
