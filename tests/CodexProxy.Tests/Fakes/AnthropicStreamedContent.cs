using System.Text;
using System.Text.Json.Nodes;

namespace CodexProxy.Tests.Fakes;

/// <summary>Rebuilds a streamed answer's content blocks from its SSE events, as an Anthropic SDK (and Claude Code)
/// does before it appends the answer to the history: each block from its <c>content_block_start</c>, its text,
/// thinking, signature and tool input from the deltas.</summary>
internal static class AnthropicStreamedContent
{
    public static JsonArray Collect(IEnumerable<AnthropicSseEvent> events)
    {
        var blocks = new SortedDictionary<int, JsonObject>();
        var toolInputs = new Dictionary<int, StringBuilder>();
        foreach (var sseEvent in events)
        {
            switch (sseEvent.EventType)
            {
                case "content_block_start":
                    blocks[Index(sseEvent)] = JsonNode.Parse(sseEvent.Data.GetProperty("content_block").GetRawText())!.AsObject();
                    break;
                case "content_block_delta":
                    var index = Index(sseEvent);
                    var block = blocks[index];
                    var delta = sseEvent.Data.GetProperty("delta");
                    switch (delta.GetProperty("type").GetString())
                    {
                        case "text_delta":
                            Append(block, "text", delta.GetProperty("text").GetString());
                            break;
                        case "thinking_delta":
                            Append(block, "thinking", delta.GetProperty("thinking").GetString());
                            break;
                        case "signature_delta":
                            block["signature"] = delta.GetProperty("signature").GetString();
                            break;
                        case "input_json_delta":
                            (toolInputs.TryGetValue(index, out var json) ? json : toolInputs[index] = new StringBuilder())
                                .Append(delta.GetProperty("partial_json").GetString());
                            break;
                    }

                    break;
                case "content_block_stop" when toolInputs.Remove(Index(sseEvent), out var input):
                    blocks[Index(sseEvent)]["input"] = JsonNode.Parse(input.Length == 0 ? "{}" : input.ToString());
                    break;
            }
        }

        return new JsonArray([.. blocks.Values]);
    }

    private static int Index(AnthropicSseEvent sseEvent) => sseEvent.Data.GetProperty("index").GetInt32();

    private static void Append(JsonObject block, string field, string? text) =>
        block[field] = (block[field]?.GetValue<string>() ?? string.Empty) + text;
}
