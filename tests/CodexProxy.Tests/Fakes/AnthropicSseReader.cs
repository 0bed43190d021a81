using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>One event of the proxy's Anthropic SSE answer: the <c>event:</c> name and the parsed <c>data</c>.</summary>
internal sealed record AnthropicSseEvent(string EventType, JsonElement Data)
{
    public string? DataType => Data.TryGetProperty("type", out var type) ? type.GetString() : null;

    /// <summary>The text of a <c>text_delta</c>, else null.</summary>
    public string? TextDelta =>
        EventType == "content_block_delta" && Data.GetProperty("delta") is var delta
            && delta.GetProperty("type").ValueEquals("text_delta") ? delta.GetProperty("text").GetString() : null;
}

/// <summary>Reads the proxy's SSE body with the framework's own parser, as a client would.</summary>
internal static class AnthropicSseReader
{
    public static async IAsyncEnumerable<AnthropicSseEvent> ReadAsync(
        Stream body,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parser = SseParser.Create(body, static (eventType, data) =>
        {
            using var document = JsonDocument.Parse(data.ToArray());
            return new AnthropicSseEvent(eventType, document.RootElement.Clone());
        });
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            yield return item.Data;
        }
    }

    public static async Task<IReadOnlyList<AnthropicSseEvent>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var events = new List<AnthropicSseEvent>();
        await foreach (var sseEvent in ReadAsync(body, cancellationToken))
        {
            events.Add(sseEvent);
        }

        return events;
    }
}
