using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;
using static CodexProxy.Tests.Translation.Request.MapperTestSupport;

namespace CodexProxy.Tests.Translation.Request;

public sealed class EffortMapperTests
{
    [Theory]
    [InlineData("\"output_config\":{\"effort\":\"low\"}", "low", null)]
    [InlineData("\"output_config\":{\"effort\":\"medium\"}", "medium", null)]
    [InlineData("\"output_config\":{\"effort\":\"high\"}", "high", null)]
    [InlineData("\"output_config\":{\"effort\":\"max\"}", "xhigh", null)]
    [InlineData("\"output_config\":{\"effort\":\"xhigh\"}", "xhigh", null)]
    [InlineData("\"thinking\":{\"type\":\"adaptive\"},\"output_config\":{\"effort\":\"high\"}", "high", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999},\"output_config\":{\"effort\":\"low\"}", "low", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}", "low", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1025}", "medium", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":8192}", "medium", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":24576}", "high", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":24577}", "xhigh", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}", "xhigh", "auto")]
    [InlineData("\"thinking\":{\"type\":\"adaptive\"}", "medium", "auto")]
    [InlineData("\"thinking\":{\"type\":\"adaptive\"},\"output_config\":{\"effort\":\"bogus\"}", "medium", "auto")]
    [InlineData("\"thinking\":{\"type\":\"disabled\"},\"output_config\":{\"effort\":\"high\"}", "high", null)]
    public void RequestFields_SelectEffortAndSummary(string members, string? effort, string? summary)
    {
        var reasoning = MapWith(members).Body.Reasoning;

        Assert.NotNull(reasoning);
        Assert.Equal(effort, reasoning.Effort);
        Assert.Equal(summary, reasoning.Summary);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"thinking\":{\"type\":\"disabled\"}")]
    public void NoThinkingAndNoEffort_SendsNoReasoningObject(string members)
    {
        var mapped = MapWith(members);

        Assert.Null(mapped.Body.Reasoning);
        Assert.DoesNotContain("\"reasoning\"", ToJson(mapped.Body), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelNameSuffix_WinsOverOutputConfigAndThinking()
    {
        var mapped = Map("""
            {"model":"gpt-5.5-low","messages":[{"role":"user","content":"q"}],
             "thinking":{"type":"enabled","budget_tokens":31999},"output_config":{"effort":"max"}}
            """);

        Assert.Equal("gpt-5.5", mapped.Body.Model);
        Assert.Equal("low", mapped.Body.Reasoning?.Effort);
        Assert.Equal("auto", mapped.Body.Reasoning?.Summary);
    }

    [Fact]
    public void Opus_HasNoTableEffort_SoTheClientsEffortIsSent()
    {
        var mapped = Map("""{"model":"claude-opus-4-8","messages":[{"role":"user","content":"q"}],"output_config":{"effort":"low"}}""");

        Assert.Equal("low", mapped.Body.Reasoning?.Effort);
        Assert.Null(mapped.Body.Reasoning?.Summary);
    }

    [Fact]
    public void EnabledWithoutBudget_IsMedium()
    {
        Assert.Equal("medium", EffortMapper.FromThinking(new CodexProxy.Anthropic.ThinkingConfig { Type = "enabled" }));
    }
}
