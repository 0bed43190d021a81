using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Translation;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Translation.Request;

public sealed class ModelResolverTests
{
    private static readonly ModelMappingOptions Passthrough = new() { Passthrough = true };
    private static readonly ModelMappingOptions NoPassthrough = new() { Passthrough = false };

    [Theory]
    [InlineData("claude-opus-5-5", "gpt-6-astra", null)]
    [InlineData("claude-sonnet-5-5", "gpt-6.1-sol", null)]
    [InlineData("claude-haiku-5-5", "gpt-6-luna", null)]
    [InlineData("claude-fable-5-2", "gpt-6.1-sol", null)]
    [InlineData("claude-opus-4-8", "gpt-6-astra", null)]
    [InlineData("claude-opus-4-8[1m]", "gpt-6-astra", null)]
    [InlineData("opus", "gpt-6-astra", null)]
    [InlineData("claude-sonnet-5", "gpt-6.1-sol", null)]
    [InlineData("claude-sonnet-4-5-20250929", "gpt-6.1-sol", null)]
    [InlineData("Sonnet", "gpt-6.1-sol", null)]
    [InlineData("claude-haiku-4-5-20251001", "gpt-6-luna", null)]
    [InlineData("claude-fable-5", "gpt-6.1-sol", null)]
    [InlineData("claude-fable-5[1m]", "gpt-6.1-sol", null)]
    public void ClaudeNames_MapThroughBuiltInTable_InPassthroughMode(string requested, string slug, string? effort)
    {
        var resolved = ModelResolver.Resolve(requested, Passthrough);

        Assert.Equal((slug, effort), (resolved.Slug, resolved.Effort));
    }

    [Theory]
    [InlineData("claude-opus-4-8", "gpt-6-astra", null)]
    [InlineData("claude-haiku-4-5-20251001", "gpt-6-luna", null)]
    [InlineData("claude-unknown-9", "gpt-6.1-sol", null)]
    public void ClaudeNames_MapThroughBuiltInTable_WithoutPassthrough(string requested, string slug, string? effort)
    {
        var resolved = ModelResolver.Resolve(requested, NoPassthrough);

        Assert.Equal((slug, effort), (resolved.Slug, resolved.Effort));
    }

    [Fact]
    public void NoFamilyHasATableEffort_AndSuffixAndOverrideEffortsAreNotDefaults()
    {
        // Today's table names no effort for any family: the request's (or the catalogue's default) applies.
        Assert.Equal((null, false), (ModelResolver.Resolve("claude-opus-5-5", Passthrough).Effort, ModelResolver.Resolve("claude-opus-5-5", Passthrough).EffortIsDefault));
        Assert.False(ModelResolver.Resolve("gpt-5.5-high", Passthrough).EffortIsDefault);
        Assert.False(ModelResolver.Resolve("claude-opus-5-5", new ModelMappingOptions { OpusModel = "gpt-5.5-xhigh" }).EffortIsDefault);
        Assert.False(ModelResolver.Resolve("gpt-5.1-codex-max", NoPassthrough).EffortIsDefault);
    }

    [Theory]
    [InlineData("claude-codex-gpt-5.5", "gpt-5.5", null)]
    [InlineData("claude-codex-gpt-5.4-mini", "gpt-5.4-mini", null)]
    [InlineData("claude-codex-gpt-5.5-xhigh", "gpt-5.5", "xhigh")]
    [InlineData("claude-codex-gpt-5.5[1m]", "gpt-5.5", null)]
    public void DiscoveryIds_AreTheCodexSlug_InEitherMode(string requested, string slug, string? effort)
    {
        Assert.Equal(new ResolvedModel(slug, effort), ModelResolver.Resolve(requested, Passthrough));
        Assert.Equal(new ResolvedModel(slug, effort), ModelResolver.Resolve(requested, NoPassthrough));
    }

    [Fact]
    public void FamilyOverride_WinsOverTable_AndMayCarryASuffix()
    {
        var options = new ModelMappingOptions
        {
            OpusModel = "gpt-5.6-sol-xhigh",
            SonnetModel = "gpt-5.4",
            HaikuModel = "gpt-5.3-codex-spark",
        };

        Assert.Equal(new ResolvedModel("gpt-5.6-sol", "xhigh"), ModelResolver.Resolve("claude-opus-4-8[1m]", options));
        Assert.Equal(new ResolvedModel("gpt-5.4", null), ModelResolver.Resolve("claude-sonnet-5", options));
        Assert.Equal(new ResolvedModel("gpt-5.3-codex-spark", null), ModelResolver.Resolve("claude-haiku-4-5-20251001", options));
    }

    [Fact]
    public void FamilyOverride_DoesNotAffectOtherFamiliesOrUnknownClaudeNames()
    {
        var options = new ModelMappingOptions { OpusModel = "gpt-5.4" };

        Assert.Equal(new ResolvedModel("gpt-6.1-sol", null), ModelResolver.Resolve("claude-sonnet-5", options));
        Assert.Equal(new ResolvedModel("gpt-6.1-sol", null), ModelResolver.Resolve("claude-fable-5", options));
    }

    [Fact]
    public void BlankFamilyOverride_FallsBackToTable()
    {
        var options = new ModelMappingOptions { OpusModel = "  " };

        Assert.Equal(new ResolvedModel("gpt-6-astra", null), ModelResolver.Resolve("claude-opus-4-8", options));
    }

    [Theory]
    [InlineData("gpt-5.5", "gpt-5.5", null)]
    [InlineData("gpt-5.5-high", "gpt-5.5", "high")]
    [InlineData("gpt-5.5-xhigh", "gpt-5.5", "xhigh")]
    [InlineData("gpt-5.5-none", "gpt-5.5", "none")]
    [InlineData("gpt-5.5-minimal", "gpt-5.5", "minimal")]
    [InlineData("gpt-5.5-LOW", "gpt-5.5", "low")]
    [InlineData("gpt-5.4-medium", "gpt-5.4", "medium")]
    [InlineData("gpt-5.6-sol-max", "gpt-5.6-sol", "max")]
    [InlineData("gpt-5.6-sol-ultra", "gpt-5.6-sol", "ultra")]
    [InlineData("gpt-5.4-mini", "gpt-5.4-mini", null)]
    [InlineData("gpt-5.4-mini-high", "gpt-5.4-mini", "high")]
    [InlineData("gpt-5.3-codex-spark", "gpt-5.3-codex-spark", null)]
    [InlineData("gpt-5.1-codex-max", "gpt-5.1-codex-max", null)]
    [InlineData("gpt-5.2-codex", "gpt-5.2-codex", null)]
    [InlineData("gpt-5.5[1m]", "gpt-5.5", null)]
    [InlineData("some-local-model", "some-local-model", null)]
    public void OtherNames_PassThroughWithSuffixParsed_InPassthroughMode(string requested, string slug, string? effort)
    {
        Assert.Equal(new ResolvedModel(slug, effort), ModelResolver.Resolve(requested, Passthrough));
    }

    [Theory]
    [InlineData("gpt-5.2-codex", "gpt-6.1-sol", null)]
    [InlineData("gpt-5.2-codex-high", "gpt-6.1-sol", "high")]
    [InlineData("gpt-5.3-codex", "gpt-6.1-sol", null)]
    [InlineData("codex-mini-latest", "gpt-6-luna", null)]
    [InlineData("gpt-5.1-codex-max", "gpt-6.1-sol", "xhigh")]
    [InlineData("gpt-5.5-low", "gpt-5.5", "low")]
    [InlineData("gpt-5.4-mini", "gpt-6-luna", null)]
    [InlineData("some-local-model", "some-local-model", null)]
    public void OtherNames_UseExactAliases_WithoutPassthrough(string requested, string slug, string? effort)
    {
        Assert.Equal(new ResolvedModel(slug, effort), ModelResolver.Resolve(requested, NoPassthrough));
    }

    [Fact]
    public void BuiltInTable_PointsAtCurrentListedModelsOfTheBuiltInCatalogue()
    {
        var table = ModelResolver.BuiltInTable;
        var catalogue = BuiltInCatalog.Snapshot;

        Assert.Equal(["opus", "sonnet", "haiku"], table.Families.Select(f => f.Family));
        Assert.Equal("gpt-6.1-sol", table.ClaudeDefault.Slug);
        var targets = table.Families.Select(f => f.Slug).Concat(table.Aliases.Select(a => a.Slug)).Append(table.ClaudeDefault.Slug);
        Assert.All(targets, slug => Assert.True(catalogue.Find(slug) is { Listed: true, Upgrade: null }, slug));
        Assert.All(table.Aliases, alias => Assert.Null(catalogue.Find(alias.Name)));
    }

    [Fact]
    public void ClaudeDefaults_FollowTheCataloguesUpgrades_ButNamesTheUserGaveDoNot()
    {
        var catalogue = Catalogue(
            Model("gpt-6.1-sol", 1, upgrade: "gpt-7-sol"),
            Model("gpt-7-sol", 2),
            Model("gpt-6-astra", 3),
            Model("gpt-6-luna", 4, description: "Fast and affordable model for easier tasks."));
        var overrides = new ModelMappingOptions { SonnetModel = "gpt-6.1-sol" };

        Assert.Equal("gpt-7-sol", ModelResolver.Resolve("claude-sonnet-5", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-7-sol", ModelResolver.Resolve("claude-fable-5", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-6.1-sol", ModelResolver.Resolve("claude-sonnet-5", overrides, catalogue).Slug);
        Assert.Equal("gpt-6.1-sol", ModelResolver.Resolve("gpt-6.1-sol", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-9-unknown", ModelResolver.Resolve("gpt-9-unknown", Passthrough, catalogue).Slug);
    }

    [Fact]
    public void ClaudeDefaults_MissingFromTheCatalogue_BecomeItsTopModel_AndHaikuItsFastTier()
    {
        var catalogue = Catalogue(
            Model("gpt-7-nova", 2),
            Model("gpt-7-sol", 1),
            Model("gpt-7-mini", 3, description: "Small, cheap model for quick tasks."));

        Assert.Equal("gpt-7-sol", ModelResolver.Resolve("claude-opus-4-8", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-7-sol", ModelResolver.Resolve("claude-sonnet-5", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-7-mini", ModelResolver.Resolve("claude-haiku-4-5-20251001", Passthrough, catalogue).Slug);
    }

    [Fact]
    public void ClaudeDefaults_AgainstTheBuiltInCatalogue_AreTheTable()
    {
        var catalogue = BuiltInCatalog.Snapshot;

        Assert.Equal("gpt-6-astra", ModelResolver.Resolve("claude-opus-4-8", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-6.1-sol", ModelResolver.Resolve("claude-sonnet-5", Passthrough, catalogue).Slug);
        Assert.Equal("gpt-6-luna", ModelResolver.Resolve("claude-haiku-4-5-20251001", Passthrough, catalogue).Slug);
    }

    private static CatalogSnapshot Catalogue(params CatalogModel[] models) => new(models, Live: true, PlanType: null);

    private static CatalogModel Model(string slug, int priority, string? upgrade = null, string? description = null) => new()
    {
        Slug = slug,
        DisplayName = slug,
        Priority = priority,
        Description = description,
        Upgrade = upgrade is null ? null : new CodexModelUpgrade { Model = upgrade },
    };

    [Theory]
    [InlineData("claude-3-5-sonnet-latest", true)]
    [InlineData("CLAUDE-anything", true)]
    [InlineData("my-haiku-proxy", true)]
    [InlineData("gpt-5.5", false)]
    [InlineData("claudette", false)]
    public void IsClaudeName_FollowsPrefixAndFamilyRule(string name, bool expected)
    {
        Assert.Equal(expected, ModelResolver.IsClaudeName(name));
    }
}
