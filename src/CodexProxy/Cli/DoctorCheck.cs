namespace CodexProxy.Cli;

/// <summary>One line of <c>doctor</c>'s report; every failed check carries the fix to try.</summary>
internal sealed record DoctorCheck(bool Passed, string Summary, string? Fix = null)
{
    public static DoctorCheck Pass(string summary) => new(true, summary);

    public static DoctorCheck Fail(string summary, string fix) => new(false, summary, fix);

    public override string ToString() => Passed ? $"✓ {Summary}" : $"✗ {Summary}  → fix: {Fix}";
}
