using System.Text;
using System.Text.Json;
using CodexProxy.Anthropic;

namespace CodexProxy.Translation.Response;

/// <summary>Gathers translated stream events into one message (the non-streaming answer).</summary>
internal static class MessageAggregator
{
    /// <remarks>
    /// Tool input is the concatenated <c>partial_json</c> parsed once at the end; empty input becomes <c>{}</c>, and so
    /// does input that is not a JSON object (malformed model output) — the message stays well-formed and the tool
    /// call is still reported, rather than failing the whole answer. Exceptions from <paramref name="events"/> propagate.
    /// </remarks>
    public static async Task<AnthropicMessage> AggregateAsync(IAsyncEnumerable<StreamEvent> events, CancellationToken cancellationToken)
    {
        AnthropicMessage? start = null;
        MessageDelta? delta = null;
        AnthropicUsage? usage = null;
        var blocks = new SortedDictionary<int, BlockBuilder>();

        await foreach (var streamEvent in events.WithCancellation(cancellationToken))
        {
            switch (streamEvent)
            {
                case MessageStartEvent messageStart:
                    start ??= messageStart.Message;
                    break;
                case ContentBlockStartEvent blockStart:
                    blocks[blockStart.Index] = new BlockBuilder(blockStart.ContentBlock);
                    break;
                case ContentBlockDeltaEvent blockDelta when blocks.TryGetValue(blockDelta.Index, out var builder):
                    builder.Append(blockDelta.Delta);
                    break;
                case MessageDeltaEvent messageDelta:
                    delta = messageDelta.Delta;
                    usage = messageDelta.Usage;
                    break;
                default:
                    break;
            }
        }

        if (start is null)
        {
            throw new InvalidOperationException("The translated stream ended without message_start.");
        }

        return start with
        {
            Content = [.. blocks.Values.Select(static builder => builder.Build())],
            StopReason = delta?.StopReason,
            StopSequence = delta?.StopSequence,
            Usage = usage ?? start.Usage,
        };
    }

    /// <summary>Accumulates the deltas of one block.</summary>
    private sealed class BlockBuilder(ResponseBlock start)
    {
        private readonly StringBuilder _content = new();
        private string _signature = "";

        public void Append(BlockDelta delta)
        {
            switch (delta)
            {
                case TextDelta text:
                    _content.Append(text.Text);
                    break;
                case ThinkingDelta thinking:
                    _content.Append(thinking.Thinking);
                    break;
                case InputJsonDelta json:
                    _content.Append(json.PartialJson);
                    break;
                case SignatureDelta signature:
                    _signature = signature.Signature;
                    break;
                default:
                    break;
            }
        }

        public ResponseBlock Build() => start switch
        {
            TextBlock text => text with { Text = text.Text + _content },
            ThinkingBlock thinking => thinking with { Thinking = thinking.Thinking + _content, Signature = thinking.Signature + _signature },
            ToolUseBlock toolUse => toolUse with { Input = ParseInput(_content) },
            _ => start,
        };

        private static JsonElement ParseInput(StringBuilder json)
        {
            if (json.Length == 0)
            {
                return JsonConstants.EmptyObject;
            }

            try
            {
                var input = JsonElement.Parse(json.ToString());
                return input.ValueKind == JsonValueKind.Object ? input : JsonConstants.EmptyObject;
            }
            catch (JsonException)
            {
                return JsonConstants.EmptyObject;
            }
        }
    }
}
