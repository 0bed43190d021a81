using System.Text;
using CodexProxy.OpenAI;

namespace CodexProxy.Translation.ChatCompletions;

/// <summary>Gathers the chunk stream into one <c>chat.completion</c>, for <c>stream: false</c>; the answer is the
/// same stream either way.</summary>
internal static class ChatCompletionAggregator
{
    public static async Task<ChatCompletion> AggregateAsync(IAsyncEnumerable<ChatCompletionChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        string id = "", model = "";
        long created = 0;
        StringBuilder? content = null, refusal = null;
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        string? finishReason = null;
        ChatUsage? usage = null;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            (id, created, model) = (chunk.Id, chunk.Created, chunk.Model);
            usage = chunk.Usage ?? usage;
            foreach (var choice in chunk.Choices)
            {
                finishReason = choice.FinishReason ?? finishReason;
                var delta = choice.Delta;
                if (!string.IsNullOrEmpty(delta.Content))
                {
                    (content ??= new StringBuilder()).Append(delta.Content);
                }

                if (!string.IsNullOrEmpty(delta.Refusal))
                {
                    (refusal ??= new StringBuilder()).Append(delta.Refusal);
                }

                foreach (var call in delta.ToolCalls ?? [])
                {
                    if (!calls.TryGetValue(call.Index, out var entry))
                    {
                        entry = calls[call.Index] = (call.Id ?? "", call.Function.Name ?? "", new StringBuilder());
                    }

                    entry.Arguments.Append(call.Function.Arguments);
                }
            }
        }

        var message = new ChatResponseMessage
        {
            Content = content?.ToString(),
            Refusal = refusal?.ToString(),
            ToolCalls = calls.Count == 0 ? null : [.. calls.Values.Select(c => new ChatToolCallOut(c.Id, new ChatFunctionCallOut(c.Name, c.Arguments.ToString())))],
        };
        return new ChatCompletion(id, created, model, [new ChatChoice(0, message, finishReason ?? "stop")], usage);
    }
}
