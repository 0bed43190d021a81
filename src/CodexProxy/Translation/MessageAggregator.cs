using CodexProxy.Anthropic;

namespace CodexProxy.Translation;

/// <summary>Gathers translated stream events into one message (the non-streaming answer).</summary>
internal static class MessageAggregator
{
    public static Task<AnthropicMessage> AggregateAsync(IAsyncEnumerable<StreamEvent> events, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
