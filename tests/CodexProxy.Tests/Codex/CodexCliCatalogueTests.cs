using System.Text.Json.Nodes;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>The catalogue fixture is exactly the one compiled into the pinned CLI, and the fake serves it like the backend.</summary>
public sealed class CodexCliCatalogueTests
{
    [Fact(Timeout = 10 * 60 * 1000)]
    public async Task BundledCatalogue_MatchesFixture()
    {
        await CodexCliInstallation.EnsureInstalledAsync(TestContext.Current.CancellationToken);
        var bundled = CodexCliCatalogue.ExtractFromBinary(CodexCliInstallation.NativeBinaryPath);
        if (CodexCliGoldenFiles.Writing)
        {
            await File.WriteAllTextAsync(CodexCliCatalogue.FixturePath, bundled, TestContext.Current.CancellationToken);
            return;
        }

        var fixture = await File.ReadAllTextAsync(CodexCliCatalogue.FixturePath, TestContext.Current.CancellationToken);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(fixture), JsonNode.Parse(bundled)),
            "The catalogue in the pinned Codex CLI differs from the fixture; run scripts/capture-codex-cli.sh.");
    }

    [Fact]
    public void Fixture_HasTheClassicAndLiteModelsTheCaptureTestsUse()
    {
        var models = Models(File.ReadAllText(CodexCliCatalogue.FixturePath));
        Assert.False(models["gpt-5.5"]!["use_responses_lite"]!.GetValue<bool>());
        Assert.True(models["gpt-6.1-sol"]!["use_responses_lite"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("0.169.0", true, true)]
    [InlineData("0.154.0", false, true)]
    [InlineData("0.130.0", false, true)]
    [InlineData("0.100.0", false, false)]
    [InlineData("", false, false)]
    [InlineData("latest", false, false)]
    public void FakeCatalogue_LeavesOutModelsNewerThanTheClient(string clientVersion, bool hasGpt6Sol, bool hasGpt55)
    {
        var served = Models(FakeCodexUpstream.FilterCatalogue(File.ReadAllText(CodexCliCatalogue.FixturePath), clientVersion));
        Assert.Equal(hasGpt6Sol, served.ContainsKey("gpt-6-sol"));
        Assert.Equal(hasGpt55, served.ContainsKey("gpt-5.5"));
    }

    private static Dictionary<string, JsonNode?> Models(string catalogue) =>
        JsonNode.Parse(catalogue)!["models"]!.AsArray().ToDictionary(model => model!["slug"]!.GetValue<string>(), model => model);
}
