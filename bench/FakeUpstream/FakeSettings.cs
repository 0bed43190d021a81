using System.Globalization;

namespace FakeUpstream;

/// <summary>Command-line settings: <c>--port 0 --deltas 20 --delay-ms 0 --delta-text "word "</c>.</summary>
internal sealed record FakeSettings(int Port, int Deltas, TimeSpan Delay, string DeltaText)
{
    public static FakeSettings Parse(string[] args)
    {
        var port = 0;
        var deltas = 20;
        var delayMs = 0.0;
        var text = "lorem ";
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--port":
                    port = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--deltas":
                    deltas = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--delay-ms":
                    delayMs = double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--delta-text":
                    text = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}");
            }
        }

        return new FakeSettings(port, deltas, TimeSpan.FromMilliseconds(delayMs), text);
    }
}
