using System.Net.WebSockets;
using CodexProxy.IO;

namespace CodexProxy.Codex;

/// <summary>
/// One open WebSocket to <c>/codex/responses</c> for one conversation of one account, and what the backend holds on it
/// (<see cref="Chain"/>). One response at a time: <see cref="TryAcquire"/> reserves the socket for a turn and the turn
/// releases it at its terminal event; a turn that ends any other way (client gone, socket error, idle timeout)
/// abandons the socket, since the backend may still be answering on it.
/// </summary>
internal sealed class CodexWebSocketConnection(WebSocket socket, string accountKey, string credentialKey, DateTimeOffset openedAt) : IDisposable
{
    private const int ReceiveChunkBytes = 16 * 1024;

    private int _busy;
    private int _abandoned;

    public string AccountKey => accountKey;

    /// <summary>Tells a refreshed or different login on the same account apart: a socket is never reused across
    /// credentials.</summary>
    public string CredentialKey => credentialKey;

    public DateTimeOffset LastUsed { get; set; } = openedAt;

    /// <summary>What the backend holds after this socket's last completed response; null when it holds nothing usable.</summary>
    public ConversationChain? Chain { get; private set; }

    /// <summary>Why <see cref="Chain"/> is null.</summary>
    public FullRequestReason NoChainReason { get; private set; } = FullRequestReason.NewSocket;

    public bool IsUsable => Volatile.Read(ref _abandoned) == 0 && socket.State == WebSocketState.Open;

    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    public bool TryAcquire() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>The turn reached its terminal event: the socket is free for the next turn, with what the backend now holds.</summary>
    public void Complete(ConversationChain? chain, FullRequestReason noChainReason)
    {
        Chain = chain;
        NoChainReason = chain is null ? noChainReason : FullRequestReason.None;
        Volatile.Write(ref _busy, 0);
    }

    public void ForgetChain(FullRequestReason reason)
    {
        Chain = null;
        NoChainReason = reason;
    }

    /// <summary>Never reused again: closed at once, without waiting for the backend's close.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 0)
        {
            Chain = null;
            socket.Abort();
            socket.Dispose();
        }
    }

    public Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).AsTask();

    /// <summary>One whole text message into <paramref name="message"/> (cleared first); false when the backend closed
    /// the socket. Binary messages are skipped, as the official client does.</summary>
    public async ValueTask<bool> ReceiveAsync(PooledBufferWriter message, CancellationToken cancellationToken)
    {
        while (true)
        {
            message.Clear();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(message.GetMemory(ReceiveChunkBytes), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return false;
                }

                message.Advance(received.Count);
            }
            while (!received.EndOfMessage);

            if (received.MessageType == WebSocketMessageType.Text)
            {
                return true;
            }
        }
    }

    public void Dispose() => Abandon();
}
