using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Tests.Codex.CodexCli;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class CatalogSnapshotTests
{
    [Fact]
    public void BuiltIn_IsTodaysListedModels_WithTheShapeFieldsOfCodexCli0169()
    {
        var catalogue = BuiltInCatalog.Snapshot;

        Assert.False(catalogue.Live);
        Assert.Equal("built-in", catalogue.Source);
        Assert.Equal(
            ["gpt-6.1-sol", "gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-5.6-sol", "gpt-6.1-terra", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5"],
            catalogue.UsableListed.Select(m => m.Slug));
        var sol = catalogue.Find("gpt-6.1-sol")!;
        Assert.Equal((true, "low", "low", true, true, 272_000), (sol.UsesResponsesLite, sol.DefaultEffort, sol.DefaultVerbosity, sol.SupportsVerbosity, sol.SupportsParallelToolCalls, sol.ContextWindow));
        Assert.Equal(["low", "medium", "high", "xhigh", "max", "ultra"], sol.SupportedEfforts.Select(l => l.Effort));
        var legacy = catalogue.Find("gpt-5.5")!;
        Assert.Equal((false, "medium", "gpt-6-sol"), (legacy.UsesResponsesLite, legacy.DefaultEffort, legacy.Upgrade?.Model));
        Assert.Equal(500_000, catalogue.Find("gpt-6.1-terra")!.ContextWindow);
        Assert.All(catalogue.Models, m => Assert.Equal("none", m.DefaultReasoningSummary));
    }

    [Fact]
    public void BuiltIn_IsATrimmedCopyOfTheCatalogueInCodexCli0169_FieldForField()
    {
        var json = File.ReadAllText(CodexCliCatalogue.FixturePath);
        var bundled = BuiltInCatalog.FromWire(JsonSerializer.Deserialize(json, CodexModelListJsonContext.Default.CodexModelList)!, live: false, planType: null);

        var listed = bundled.Models.Where(m => m.Listed).Select(Describe).Order(StringComparer.Ordinal);
        Assert.Equal(listed, BuiltInCatalog.Snapshot.Models.Select(Describe).Order(StringComparer.Ordinal));
        Assert.True(BuiltInCatalog.Snapshot.Find("gpt-6.1-sol")!.Traits.NodeReplAutoReviewRequired);
        Assert.False(BuiltInCatalog.Snapshot.Find("gpt-5.5")!.Traits.NodeReplAutoReviewRequired);
    }

    [Fact]
    public void TopPriorityAndFastTier_OfTheBuiltInCatalogue_AreSolAndLuna()
    {
        Assert.Equal("gpt-6.1-sol", BuiltInCatalog.Snapshot.TopPriority?.Slug);
        Assert.Equal("gpt-6-luna", BuiltInCatalog.Snapshot.FastTier?.Slug);
    }

    [Fact]
    public void FastTier_WithoutDescriptions_IsTheModelWithTheShortestEffortRange()
    {
        var catalogue = Snapshot(
            Model("big", 1, levels: ["low", "medium", "high", "xhigh", "max", "ultra"]),
            Model("small", 5, levels: ["low", "medium", "high"]),
            Model("old-small", 2, levels: ["low"], upgrade: "small"));

        Assert.Equal("small", catalogue.FastTier?.Slug);
    }

    [Fact]
    public void ResolveDefault_FollowsUpgradeChains_StopsAtLoopsAndMissingTargets()
    {
        var catalogue = Snapshot(
            Model("a", 3, upgrade: "b"),
            Model("b", 2, upgrade: "c"),
            Model("c", 1),
            Model("loop-1", 4, upgrade: "loop-2"),
            Model("loop-2", 5, upgrade: "loop-1"),
            Model("dangling", 6, upgrade: "gone"));

        Assert.Equal("c", catalogue.ResolveDefault("a", fastTier: false));
        Assert.Equal("loop-2", catalogue.ResolveDefault("loop-1", fastTier: false));
        Assert.Equal("dangling", catalogue.ResolveDefault("dangling", fastTier: false));
    }

    [Fact]
    public void ResolveDefault_ForAMissingModel_IsTheTopUsableCurrentModel_NeverAPlanLockedOrHiddenOne()
    {
        var catalogue = new CatalogSnapshot(
            [
                Model("pro-only", 1) with { Plans = ["pro"] },
                Model("hidden", 2) with { Listed = false },
                Model("legacy", 3, upgrade: "gone"),
                Model("workhorse", 4),
            ],
            Live: true,
            PlanType: "plus");

        Assert.Equal("workhorse", catalogue.ResolveDefault("missing", fastTier: false));
        Assert.Equal("workhorse", catalogue.ResolveDefault("missing", fastTier: true));
        Assert.Equal("kept", new CatalogSnapshot([], Live: true, PlanType: null).ResolveDefault("kept", fastTier: false));
    }

    [Theory]
    [InlineData("high", "high")]
    [InlineData("ultra", "max")]
    [InlineData("minimal", "low")]
    [InlineData("none", "low")]
    [InlineData("xhigh", "xhigh")]
    [InlineData("whatever", "whatever")]
    public void ClampEffort_TakesTheNearestLowerSupportedLevel(string requested, string expected)
    {
        var luna = BuiltInCatalog.Snapshot.Find("gpt-6-luna")!;

        Assert.Equal(expected, luna.ClampEffort(requested));
    }

    [Fact]
    public void ClampEffort_OnAModelWithoutLevels_KeepsTheEffort()
    {
        Assert.Equal("ultra", Model("bare", 1).ClampEffort("ultra"));
        Assert.Equal("xhigh", BuiltInCatalog.Snapshot.Find("gpt-5.5")!.ClampEffort("max"));
    }

    /// <summary>Every field the proxy models, as one comparable line.</summary>
    private static string Describe(CatalogModel m) => string.Join(
        " | ",
        m.Slug, m.DisplayName, m.Description, m.Listed, m.Priority, string.Join(",", m.Plans ?? []), m.MinimalClientVersion,
        m.ContextWindow, m.MaxContextWindow, m.AutoCompactTokenLimit, m.DefaultEffort,
        string.Join(",", m.SupportedEfforts.Select(l => l.Effort + ":" + l.Description)), m.DefaultReasoningSummary,
        m.SupportsReasoningSummaries, m.DefaultVerbosity, m.SupportsVerbosity, m.SupportsParallelToolCalls, m.UsesResponsesLite,
        m.PrefersWebsockets, m.Upgrade?.Model, m.Upgrade?.MigrationMarkdown, string.Join(",", m.InputModalities), m.Traits);

    private static CatalogSnapshot Snapshot(params CatalogModel[] models) => new(models, Live: true, PlanType: null);

    private static CatalogModel Model(string slug, int priority, string[]? levels = null, string? upgrade = null) => new()
    {
        Slug = slug,
        DisplayName = slug,
        Priority = priority,
        SupportedEfforts = [.. (levels ?? []).Select(effort => new CodexReasoningLevel { Effort = effort })],
        Upgrade = upgrade is null ? null : new CodexModelUpgrade { Model = upgrade },
    };
}
