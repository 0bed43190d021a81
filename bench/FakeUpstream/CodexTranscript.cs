using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace FakeUpstream;

/// <summary>
/// One Codex Responses stream with a single assistant text message, prepared once as SSE bytes and as WebSocket
/// messages (each event's JSON, as the backend sends events on its socket): the fake must cost as little CPU as
/// possible so the proxy's own cost stands out.
/// </summary>
internal sealed class CodexTranscript
{
    private const string ItemId = "msg_bench0001";
    private readonly byte[] _head;
    private readonly byte[][] _deltas;
    private readonly byte[] _tail;
    private readonly byte[][] _headMessages;
    private readonly byte[][] _deltaMessages;
    private readonly byte[][] _tailMessages;

    public CodexTranscript(int deltaCount, string deltaText)
    {
        var text = JsonEncodedText.Encode(deltaText).ToString();
        var full = JsonEncodedText.Encode(string.Concat(Enumerable.Repeat(deltaText, deltaCount))).ToString();
        var sequence = 0;
        var messages = new List<byte[]>();
        string Event(string type, string body)
        {
            var json = $"{{\"type\":\"{type}\",\"sequence_number\":{sequence++},{body}}}";
            messages.Add(Encoding.UTF8.GetBytes(json));
            return $"event: {type}\ndata: {json}\n\n";
        }

        const string response = "\"id\":\"resp_bench0001\",\"object\":\"response\",\"created_at\":1767225600,\"model\":\"gpt-5.5\",\"output\":[]";
        _head = Encoding.UTF8.GetBytes(
            Event("response.created", $"\"response\":{{{response},\"status\":\"in_progress\"}}")
            + Event("response.output_item.added", $"\"output_index\":0,\"item\":{{\"id\":\"{ItemId}\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}")
            + Event("response.content_part.added", $"\"item_id\":\"{ItemId}\",\"output_index\":0,\"content_index\":0,\"part\":{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}}"));
        _deltas = Enumerable.Range(0, deltaCount)
            .Select(_ => Encoding.UTF8.GetBytes(Event("response.output_text.delta",
                $"\"item_id\":\"{ItemId}\",\"output_index\":0,\"content_index\":0,\"delta\":\"{text}\",\"logprobs\":[]")))
            .ToArray();
        _headMessages = [.. messages.Take(3)];
        _deltaMessages = [.. messages.Skip(3)];
        messages.Clear();
        _tail = Encoding.UTF8.GetBytes(
            Event("response.output_text.done", $"\"item_id\":\"{ItemId}\",\"output_index\":0,\"content_index\":0,\"text\":\"{full}\",\"logprobs\":[]")
            + Event("response.content_part.done", $"\"item_id\":\"{ItemId}\",\"output_index\":0,\"content_index\":0,\"part\":{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"{full}\"}}")
            + Event("response.output_item.done", $"\"output_index\":0,\"item\":{{\"id\":\"{ItemId}\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"{full}\"}}]}}")
            + Event("response.completed", $"\"response\":{{{response},\"status\":\"completed\",\"usage\":{{\"input_tokens\":2600,\"input_tokens_details\":{{\"cached_tokens\":2048}},\"output_tokens\":{deltaCount},\"output_tokens_details\":{{\"reasoning_tokens\":0}},\"total_tokens\":{2600 + deltaCount}}}}}"));
        _tailMessages = [.. messages];
    }

    public async Task WriteAsync(Stream body, TimeSpan delay, CancellationToken cancellationToken)
    {
        await body.WriteAsync(_head, cancellationToken);
        await body.FlushAsync(cancellationToken);
        foreach (var delta in _deltas)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            await body.WriteAsync(delta, cancellationToken);
            await body.FlushAsync(cancellationToken);
        }

        await body.WriteAsync(_tail, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    /// <summary>Sends the stream's events as text messages on a socket, <paramref name="delay"/> before each delta.</summary>
    public async Task SendAsync(WebSocket socket, TimeSpan delay, CancellationToken cancellationToken)
    {
        foreach (var message in _headMessages)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }

        foreach (var delta in _deltaMessages)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            await socket.SendAsync(delta, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }

        foreach (var message in _tailMessages)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }
}
