namespace CodexProxy.Formatting;

/// <summary>How long, in the few words a person reads at a glance: "2 d 3 h", "4 h 5 min", "12 min", "30 s". Used by the
/// usage-limit message and by the CLI's reset and expiry times, so both read the same.</summary>
internal static class DurationText
{
    public static string Format(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{(int)span.TotalDays} d {span.Hours} h",
        { TotalHours: >= 1 } => $"{(int)span.TotalHours} h {span.Minutes} min",
        { TotalMinutes: >= 1 } => $"{(int)span.TotalMinutes} min",
        _ => $"{Math.Max(1, (int)Math.Ceiling(span.TotalSeconds))} s",
    };
}
