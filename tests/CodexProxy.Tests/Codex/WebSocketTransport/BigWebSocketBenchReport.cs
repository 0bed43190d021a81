using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CodexProxy.Tests.Codex.WebSocketTransport;

/// <summary>The Markdown of one <see cref="BigWebSocketBenchTests"/> session: per size band (the issue's 560 KB
/// median and 3.5 MB 99th percentile) the means and medians, then every turn. The proxy's CPU time is counted in
/// clock ticks (10 ms), so it is only read as a mean over a band, where the ticks of consecutive turns add up.</summary>
internal static partial class BigWebSocketBenchReport
{
    private static readonly (string Name, int From, int To)[] Bands =
    [
        ("0.4–0.7 MB", 400_000, 700_000),
        ("3.0–3.7 MB", 3_000_000, 3_700_000),
    ];

    public static string Markdown(SessionFigures session)
    {
        var report = new StringBuilder();
        var turns = session.Turns;
        report.AppendLine(Invariant($"### {session.Model}: {turns.Count} turns, `{Path.GetFileName(session.Binary)}`, {session.Transport}"));
        report.AppendLine();
        report.AppendLine(Invariant($"Load average at start {session.LoadAtStart}, at end {session.LoadAtEnd}. Proxy peak RSS (`VmHWM`) over the session {session.PeakRssMb:F1} MB (after the warm-up: {session.WarmUpPeakRssMb:F1} MB); proxy CPU over the session {session.ProxyCpuMs:F0} ms, {session.ProxyCpuMs / turns.Count:F1} ms per turn."));
        var full = turns.Skip(1).Where(t => !t.Incremental).Select(t => t.Turn.ToString(CultureInfo.InvariantCulture)).ToList();
        var fullTurns = full.Count == 0 ? "none" : full.Count == turns.Count - 1 ? "all" : string.Join(", ", full);
        report.AppendLine(Invariant($"Turns after the first sent in full: {fullTurns}. Requests the proxy sent over HTTPS (warm-up included): {session.ProxyHttpRequests}."));
        var logLines = WebSocketLogLines(session.ProxyLog);
        report.AppendLine(logLines.Count == 0
            ? "The proxy logged nothing about the WebSocket transport."
            : "The proxy's WebSocket log lines: " + string.Join("; ", logLines.Select(l => Invariant($"{l.Count}× \"{l.Line}\""))) + ".");
        report.AppendLine();

        report.AppendLine("| band | turns | proxy CPU-ms per turn (mean) | first event: direct / proxied, p50 | added to first event p50 / max | added to the end p50 | fake's own work: direct / proxied, p50 | added to first event without the fake's work, p50 / max | sent upstream / full body (mean) | test process CPU-ms (client + fake), direct / proxied |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, from, to) in Bands)
        {
            var band = turns.Where(t => t.AnthropicBytes >= from && t.AnthropicBytes < to).ToList();
            if (band.Count == 0)
            {
                report.AppendLine(Invariant($"| {name} | 0 | | | | | | | | |"));
                continue;
            }

            var addedFirst = band.Select(t => t.FirstEventMs - t.DirectFirstEventMs).ToList();
            var addedEnd = band.Select(t => t.EndMs - t.DirectEndMs).ToList();
            var net = band.Select(t => t.AddedFirstEventNetMs).ToList();
            report.AppendLine(Invariant(
                $"| {name} | {band.Count} | {band.Average(t => t.ProxyCpuMs):F1} | {Median(band.Select(t => t.DirectFirstEventMs)):F1} / {Median(band.Select(t => t.FirstEventMs)):F1} | {Median(addedFirst):F1} / {addedFirst.Max():F1} | {Median(addedEnd):F1} | {Median(band.Select(t => t.DirectFakeWorkMs)):F1} / {Median(band.Select(t => t.FakeWorkMs)):F1} | {Median(net):F1} / {net.Max():F1} | {band.Average(t => t.SentBytes):N0} / {band.Average(t => t.FullBodyBytes):N0} B | {band.Average(t => t.DirectSelfCpuMs):F1} / {band.Average(t => t.SelfCpuMs):F1} |"));
        }

        report.AppendLine();
        report.AppendLine("| turn | Anthropic body | full Codex body | sent upstream | proxy CPU-ms | first event direct / proxied ms | end direct / proxied ms | fake's work direct / proxied ms | test process CPU-ms direct / proxied |");
        report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var t in turns)
        {
            report.AppendLine(Invariant(
                $"| {t.Turn}{(t.Incremental || t.Turn == 1 ? "" : " (full)")} | {t.AnthropicBytes:N0} | {t.FullBodyBytes:N0} | {t.SentBytes:N0} | {t.ProxyCpuMs:F0} | {t.DirectFirstEventMs:F1} / {t.FirstEventMs:F1} | {t.DirectEndMs:F1} / {t.EndMs:F1} | {t.DirectFakeWorkMs:F1} / {t.FakeWorkMs:F1} | {t.DirectSelfCpuMs:F1} / {t.SelfCpuMs:F1} |"));
        }

        report.AppendLine();
        return report.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The log's WebSocket lines with their timestamps and ids stripped, counted.</summary>
    private static List<(string Line, int Count)> WebSocketLogLines(string log) =>
        [.. log.Split('\n')
            .Where(line => line.Contains("WebSocket", StringComparison.OrdinalIgnoreCase) || line.Contains("previous response", StringComparison.Ordinal))
            .Select(line => Numbers().Replace(Timestamp().Replace(line.Trim(), ""), "N"))
            .GroupBy(line => line, StringComparer.Ordinal)
            .Select(group => (group.Key, group.Count()))];

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"^\S+Z ")]
    private static partial Regex Timestamp();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
