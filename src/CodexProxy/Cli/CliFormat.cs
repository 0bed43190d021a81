using System.Globalization;
using CodexProxy.Formatting;
using CodexProxy.Hosting;

namespace CodexProxy.Cli;

/// <summary>Small formatting helpers for the auth commands' output.</summary>
internal static class CliFormat
{
    /// <summary>Enough of the account id to recognise it, not enough to use it.</summary>
    public static string MaskAccountId(string? accountId) => accountId switch
    {
        null or "" => "-",
        { Length: <= 8 } => new string('*', accountId.Length),
        _ => $"{accountId[..4]}…{accountId[^4..]}",
    };

    /// <summary>Local time plus a relative hint, e.g. <c>2026-05-01 14:03 +02:00 (in 2 h 5 min)</c>.</summary>
    public static string Instant(DateTimeOffset? instant, TimeProvider time)
    {
        if (instant is not { } at)
        {
            return "-";
        }

        var local = TimeZoneInfo.ConvertTime(at, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        var delta = at - time.GetUtcNow();
        return delta >= TimeSpan.Zero
            ? $"{local} (in {DurationText.Format(delta)})"
            : $"{local} ({DurationText.Format(-delta)} ago)";
    }
}
