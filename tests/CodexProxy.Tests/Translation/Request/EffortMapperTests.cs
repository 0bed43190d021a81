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
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":24576}", "medium", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":24577}", "medium", "auto")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}", "medium", "auto")]
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

    [Theory]
    [InlineData("gpt-6.1-sol", "", "low", null, "all_turns")]
    [InlineData("gpt-5.5", "", "medium", null, null)]
    [InlineData("gpt-6-luna", "\"thinking\":{\"type\":\"adaptive\",\"display\":\"updates\"}", "medium", "auto", "all_turns")]
    [InlineData("gpt-5.5", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}", "medium", "auto", null)]
    [InlineData("gpt-6.1-sol", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}", "low", "auto", "all_turns")]
    [InlineData("gpt-5.5", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1000}", "low", "auto", null)]
    [InlineData("gpt-6-luna", "\"output_config\":{\"effort\":\"max\"}", "max", null, "all_turns")]
    [InlineData("gpt-5.5", "\"output_config\":{\"effort\":\"max\"}", "xhigh", null, null)]
    [InlineData("gpt-6-luna-ultra", "", "max", null, "all_turns")]
    [InlineData("gpt-6.1-sol-high", "\"output_config\":{\"effort\":\"low\"}", "high", null, "all_turns")]
    [InlineData("gpt-6.1-sol", "\"thinking\":{\"type\":\"adaptive\",\"display\":\"omitted\"}", "low", null, "all_turns")]
    public void WithTheCatalogue_TheDefaultIsTheCatalogues_BudgetsOnlyLowerIt_AndEffortsAreClamped(
        string model, string members, string effort, string? summary, string? context)
    {
        var json = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{(members.Length > 0 ? "," : "")}}{{members}}}""";
        var reasoning = MapWithCatalogue(json).Body.Reasoning;

        Assert.Equal((effort, summary, context), (reasoning?.Effort, reasoning?.Summary, reasoning?.Context));
    }

    [Fact]
    public void WithTheCatalogue_VerbosityAndParallelCallsFollowIt_UnlessTheClientDisablesParallelCalls()
    {
        var lite = MapWithCatalogue("""{"model":"gpt-6.1-sol","messages":[{"role":"user","content":"hi"}]}""").Body;
        var disabled = MapWithCatalogue("""{"model":"gpt-5.5","tool_choice":{"type":"auto","disable_parallel_tool_use":true},"messages":[{"role":"user","content":"hi"}]}""").Body;
        var unknown = MapWithCatalogue("""{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}""").Body;

        Assert.Equal(("low", true), (lite.Text?.Verbosity, lite.ParallelToolCalls));
        Assert.False(disabled.ParallelToolCalls);
        Assert.Equal((null, true, null), (unknown.Text, unknown.ParallelToolCalls, unknown.Reasoning));
    }

    [Theory]
    [InlineData("\"output_config\":{\"effort\":\"medium\"}", "medium")]
    [InlineData("\"output_config\":{\"effort\":\"low\"}", "low")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}", "medium")]
    [InlineData("\"output_config\":{\"effort\":\"bogus\"}", null)]
    public void ClientEffort_IsSent_ThereBeingNoTableEffort(string members, string? effort)
    {
        var mapped = Map($$"""{"model":"claude-opus-5-5","messages":[{"role":"user","content":"q"}],{{members}}}""");

        Assert.Equal(effort, mapped.Body.Reasoning?.Effort);
    }

    [Fact]
    public void PerTurnEffort_OnTheNewestSystemEntry_WinsOverTheTopLevelOne()
    {
        var mapped = Map("""
            {"model":"claude-opus-5-5","output_config":{"effort":"medium"},"thinking":{"type":"adaptive","display":"updates"},
             "messages":[{"role":"user","content":"q"},
                         {"role":"system","content":[{"type":"text","text":"env"}],"output_config":{"effort":"medium"}},
                         {"role":"assistant","content":"a"},
                         {"role":"system","content":"now think harder","output_config":{"effort":"max"}},
                         {"role":"user","content":"go"}]}
            """);

        Assert.Equal("xhigh", mapped.Body.Reasoning?.Effort);
        Assert.Equal("auto", mapped.Body.Reasoning?.Summary);
    }

    [Fact]
    public void Precedence_NamedEffortThenClientThenCappedBudgetThenTableThenThinking()
    {
        var table = new ResolvedModel("gpt-5.5", "high") { EffortIsDefault = true };
        var named = new ResolvedModel("gpt-5.5", "low");
        var budget = new CodexProxy.Anthropic.ThinkingConfig { Type = "enabled", BudgetTokens = 30_000 };
        var adaptive = new CodexProxy.Anthropic.ThinkingConfig { Type = "adaptive" };

        Assert.Equal("low", EffortMapper.Choose(named, "medium", budget));
        Assert.Equal("medium", EffortMapper.Choose(table, "medium", budget));
        Assert.Equal("medium", EffortMapper.Choose(table, null, budget));
        Assert.Equal("high", EffortMapper.Choose(table, null, adaptive));
        Assert.Equal("medium", EffortMapper.Choose(new ResolvedModel("gpt-5.5", null), null, adaptive));
        Assert.Null(EffortMapper.Choose(new ResolvedModel("gpt-5.5", null), null, null));
    }

    [Fact]
    public void DisplayOmitted_AsksForNoSummary_AndMarksTheMappedRequest()
    {
        var mapped = MapWith("\"thinking\":{\"type\":\"adaptive\",\"display\":\"omitted\"},\"output_config\":{\"effort\":\"medium\"}");
        var shown = MapWith("\"thinking\":{\"type\":\"adaptive\",\"display\":\"updates\"}");

        Assert.Equal(("medium", null), (mapped.Body.Reasoning?.Effort, mapped.Body.Reasoning?.Summary));
        Assert.True(mapped.OmitThinkingText);
        Assert.Equal("auto", shown.Body.Reasoning?.Summary);
        Assert.False(shown.OmitThinkingText);
    }

    [Fact]
    public void EnabledWithoutBudget_IsMedium()
    {
        Assert.Equal("medium", EffortMapper.FromThinking(new CodexProxy.Anthropic.ThinkingConfig { Type = "enabled" }));
    }
}
