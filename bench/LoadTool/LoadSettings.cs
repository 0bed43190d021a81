using System.Globalization;

namespace LoadTool;

/// <summary>
/// <c>--url URL --concurrency 16 --requests 2000 --duration-s 15 --body-kb 10 --warmup 0 [--probe]
/// [--shape small|claude-code|claude-code-images]</c>. <c>small</c> is one short turn padded by its system prompt;
/// <c>claude-code</c> is a growing tool-loop history (see <see cref="ClaudeCodeBody"/>).
/// A run stops at whichever bound comes first: the request count or the duration.
/// </summary>
internal sealed record LoadSettings(Uri Url, int Concurrency, int Requests, TimeSpan Duration, int BodyKilobytes, int Warmup, bool Probe, string Shape)
{
    public static LoadSettings Parse(string[] args)
    {
        Uri? url = null;
        int concurrency = 1, requests = 1000, bodyKb = 10, warmup = 0;
        var duration = TimeSpan.FromSeconds(15);
        var probe = false;
        var shape = "small";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": url = new Uri(Next()); break;
                case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration-s": duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--body-kb": bodyKb = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--probe": probe = true; break;
                case "--shape": shape = Next(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }

        if (url is null)
        {
            throw new ArgumentException("--url is required");
        }

        // Benchmarks never leave the machine.
        if (!url.IsLoopback)
        {
            throw new ArgumentException($"Only loopback URLs are allowed, not {url}");
        }

        return new LoadSettings(url, Math.Max(1, concurrency), Math.Max(1, requests), duration, bodyKb, warmup, probe, shape);
    }
}
