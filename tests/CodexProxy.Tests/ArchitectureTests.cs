using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using CodexProxy.Hosting;
using Xunit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace CodexProxy.Tests;

/// <summary>
/// The layer rule from the README's "How a request flows": dependencies point down only, and no two folders depend on
/// each other. Read from the compiled product assembly, so every use counts (fields, signatures, method bodies,
/// lambdas and async state machines), not just <c>using</c> lines.
/// </summary>
public sealed class ArchitectureTests
{
    // Edge: how requests and commands come in.
    private const string Edge = @"^CodexProxy(\.Hosting|\.Cli)?(\..*)?$";

    // Core: what the proxy does, without knowing who asked.
    private const string Core = @"^CodexProxy\.(Translation|Auth|Usage|Codex(?!\.Wire))(\..*)?$";

    // Bottom: the shapes on the two wires, configuration and plumbing every layer may use.
    private const string Bottom = @"^CodexProxy\.(Anthropic|OpenAI|Codex\.Wire|Configuration|Diagnostics|Formatting|IO|Logging)(\..*)?$";

    private static readonly Architecture Product = new ArchLoader().LoadAssemblies(typeof(ProxyApp).Assembly).Build();

    private static IObjectProvider<IType> EdgeTypes =>
        Types().That().ResideInNamespaceMatching(@"^CodexProxy\.(Hosting|Cli)(\..*)?$").Or().ResideInNamespace("CodexProxy").As("edge");

    private static IObjectProvider<IType> CoreTypes => Types().That().ResideInNamespaceMatching(Core).As("core");

    [Fact]
    public void CoreTypes_NeverUseEdgeTypes() =>
        Types().That().ResideInNamespaceMatching(Core).Should().NotDependOnAny(EdgeTypes).Check(Product);

    [Fact]
    public void BottomTypes_NeverUseCoreOrEdgeTypes() =>
        Types().That().ResideInNamespaceMatching(Bottom).Should().NotDependOnAny(CoreTypes).AndShould().NotDependOnAny(EdgeTypes)
            .Check(Product);

    [Fact]
    public void TopLevelFolders_NeverDependOnEachOther() =>
        Slices().Matching("CodexProxy.(*)..").Should().BeFreeOfCycles().Check(Product);

    [Fact]
    public void TranslationFolders_NeverDependOnEachOther() =>
        Slices().Matching("CodexProxy.Translation.(*)..").Should().BeFreeOfCycles().Check(Product);

    [Fact]
    public void CodexWireTypes_NeverUseTheCodexClient() =>
        Types().That().ResideInNamespace("CodexProxy.Codex.Wire").Should()
            .NotDependOnAny(Types().That().ResideInNamespace("CodexProxy.Codex")).Check(Product);

    [Fact]
    public void EveryProductType_BelongsToALayer() =>
        Types().That().ResideInNamespaceMatching("^CodexProxy(\\..*)?$").Should()
            .ResideInNamespaceMatching($"{Edge}|{Core}|{Bottom}").Check(Product);
}
