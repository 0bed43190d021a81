namespace CodexProxy.Cli;

/// <summary>One line of <c>doctor</c>'s report. A failed check carries the fix to try; a hint points at something
/// that matters only to some setups (e.g. starting <c>claude</c> by hand) and does not fail the report.</summary>
internal sealed record DoctorCheck(bool Passed, string Summary, string? Fix = null)
{
    public static DoctorCheck Pass(string summary) => new(true, summary);

    public static DoctorCheck Fail(string summary, string fix) => new(false, summary, fix);

    public static DoctorCheck Hint(string summary, string fix) => new(true, summary, fix);

    public override string ToString() => (Passed, Fix) switch
    {
        (true, null) => $"✓ {Summary}",
        (true, _) => $"• {Summary}  → hint: {Fix}",
        _ => $"✗ {Summary}  → fix: {Fix}",
    };
}
