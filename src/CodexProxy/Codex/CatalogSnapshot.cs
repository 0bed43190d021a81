using System.Text.RegularExpressions;

namespace CodexProxy.Codex;

/// <summary>One version of the catalogue. <see cref="Live"/> is false for the built-in copy.</summary>
internal sealed partial record CatalogSnapshot(IReadOnlyList<CatalogModel> Models, bool Live, string? PlanType)
{
    public const string LiveLabel = "live";
    public const string BuiltInLabel = "built-in";

    /// <summary><c>live</c> or <c>built-in</c>, as every surface that shows the catalogue labels it.</summary>
    public string Source => Live ? LiveLabel : BuiltInLabel;

    public CatalogModel? Find(string slug)
    {
        foreach (var model in Models)
        {
            if (model.Slug.Equals(slug, StringComparison.OrdinalIgnoreCase))
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>Models the account's plan may use (all, when the plan or the model's plan list is unknown).</summary>
    public IEnumerable<CatalogModel> Usable => Models.Where(m => m.AvailableOn(PlanType));

    /// <summary>The usable models the catalogue advertises, most prominent first.</summary>
    public IEnumerable<CatalogModel> UsableListed => Usable.Where(m => m.Listed).OrderBy(m => m.Priority);

    /// <summary>
    /// Where a built-in default lands today. A default the catalogue has follows its <c>upgrade</c> chain (as far
    /// as the catalogue has the targets; a loop stops where it would repeat). A default the catalogue lacks becomes
    /// the <see cref="FastTier"/> when <paramref name="fastTier"/> is set (Haiku), else <see cref="TopPriority"/>.
    /// With no usable listed model at all the default is kept, and the backend decides.
    /// </summary>
    public string ResolveDefault(string slug, bool fastTier)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (Find(slug) is { } model)
        {
            return FollowUpgrades(model).Slug;
        }

        var replacement = fastTier ? FastTier ?? TopPriority : TopPriority;
        return replacement?.Slug ?? slug;
    }

    /// <summary>The end of the model's <c>upgrade</c> chain within this catalogue.</summary>
    public CatalogModel FollowUpgrades(CatalogModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Upgrade is null)
        {
            return model; // the usual case, on every request: no set to allocate
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { model.Slug };
        while (model.Upgrade is { } upgrade && Find(upgrade.Model) is { } next && seen.Add(next.Slug))
        {
            model = next;
        }

        return model;
    }

    /// <summary>The most prominent usable listed model that is not legacy (the official client's default).</summary>
    public CatalogModel? TopPriority =>
        UsableListed.FirstOrDefault(m => m.Upgrade is null) ?? UsableListed.FirstOrDefault();

    /// <summary>
    /// The fast, low-cost tier, read from the catalogue's own words rather than from slugs: among the usable listed
    /// models that are not legacy, the most prominent one whose description calls it fast, affordable, efficient,
    /// cheap, mini, small or light ("Fast and affordable model for easier tasks."). When no description says so,
    /// the one with the shortest effort range (the catalogue gives its small models fewer levels), by priority.
    /// </summary>
    public CatalogModel? FastTier
    {
        get
        {
            var current = UsableListed.Where(m => m.Upgrade is null).ToList();
            return current.FirstOrDefault(m => m.Description is { } text && FastWords().IsMatch(text))
                ?? current.Where(m => m.SupportedEfforts.Count > 0).OrderBy(m => m.SupportedEfforts.Count).ThenBy(m => m.Priority).FirstOrDefault();
        }
    }

    [GeneratedRegex(@"\b(fast|faster|affordable|efficient|cheap|cheaper|mini|small|light|lightweight)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FastWords();
}
