using System.Text.RegularExpressions;
using CodexProxy.Codex;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed partial class RandomUuidTests
{
    [Fact]
    public void NewIds_AreVersion4Uuids_AndDistinct()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RandomUuid.New()).ToList();

        Assert.All(ids, id => Assert.Matches(Version4(), id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Equal(4, Guid.Parse(id).Version));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4();
}
