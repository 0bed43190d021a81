using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>Reads the upstream SSE body into typed events. The JSON <c>type</c> decides, not the <c>event:</c> line.
/// <c>codex.rate_limits</c> events are also shown to the rate-limit observers (the translator ignores them).</summary>
internal static class CodexEventReader
{
    public static async IAsyncEnumerable<CodexStreamEvent> ReadAsync(
        Stream body,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        IReadOnlyList<IRateLimitEventObserver>? rateLimitObservers = null,
        CodexEventTypes? eventsReadByTypeOnly = null)
    {
        var flatEvents = new CodexFlatEventParser(eventsReadByTypeOnly);
        var parser = SseParser.Create(body, (_, data) => Parse(data, flatEvents, rateLimitObservers));
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            if (item.Data is { } codexEvent)
            {
                yield return codexEvent;
            }
        }
    }

    /// <summary>Unparsable data lines are skipped, as the official client does; a stream that then
    /// lacks <c>response.completed</c> is reported as truncated by the translator.</summary>
    internal static CodexStreamEvent? Parse(
        ReadOnlySpan<byte> data, CodexFlatEventParser? flatEvents = null, IReadOnlyList<IRateLimitEventObserver>? rateLimitObservers = null)
    {
        if (data.IsEmpty || data.SequenceEqual("[DONE]"u8))
        {
            return null;
        }

        try
        {
            var codexEvent = (flatEvents ?? new CodexFlatEventParser()).TryParse(data)
                ?? JsonSerializer.Deserialize(data, CodexJsonContext.Default.CodexStreamEvent);
            if (codexEvent?.Type == RateLimitEvent.Type)
            {
                foreach (var observer in rateLimitObservers ?? [])
                {
                    observer.OnRateLimitEvent(data);
                }
            }

            return codexEvent;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
