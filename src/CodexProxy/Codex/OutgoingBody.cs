using System.Buffers;
using System.Net;
using System.Text.Json;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Codex;

/// <summary>
/// One request's body, serialised once with its turn's <c>client_metadata</c>: a 401 retry or an uncompressed resend
/// sends the same bytes. The JSON and its zstd form (made on first use) live in rented arrays, so a 3.5 MB history
/// leaves no large-object-heap arrays behind (<c>bench/README.md</c>); the content sent is a view of them, not a copy.
/// Dispose gives the arrays back once no send is still writing them: a server may answer (an early 4xx, say) while
/// the handler is still writing a large body, so each content holds the arrays until its write has ended.
/// </summary>
internal sealed class OutgoingBody : IDisposable
{
    /// <summary>Without a size hint: under load most bodies are a few KB and many are in flight at once.</summary>
    private const int InitialBytes = 16 * 1024;

    /// <summary>A client's size is trusted for the first buffer only up to this; a larger body doubles from there.</summary>
    private const int MaxInitialBytes = 16 * 1024 * 1024;

    private readonly ArrayPool<byte> _pool;
    private readonly PooledBufferWriter _json;
    private byte[]? _compressed;
    private int _compressedLength;

    /// <summary>The owner plus every write in progress; the arrays go back to the pool when it reaches zero.</summary>
    private int _holders = 1;
    private int _disposed;

    public OutgoingBody(CodexRequest request, CodexTurn turn, string installationId, ArrayPool<byte> pool)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
        Turn = turn;
        Model = request.Model;
        ResponsesLite = request.ResponsesLite;
        TurnMetadata = CodexTurnHeaders.TurnMetadata(turn, installationId, request.Model, request.Reasoning?.Effort, request.ModelTraits);
        var withMetadata = request with { ClientMetadata = CodexTurnHeaders.ClientMetadata(turn, installationId, TurnMetadata) };
        _json = new PooledBufferWriter(pool, InitialCapacity(request.ClientBodyBytes));
        try
        {
            using var writer = new Utf8JsonWriter(_json, CodexJsonContext.WriterOptionsOf(CodexJsonContext.Wire));
            JsonSerializer.Serialize(writer, withMetadata, CodexJsonContext.Wire.CodexRequest);
        }
        catch
        {
            _json.Dispose();
            throw;
        }
    }

    /// <summary>The first buffer for a body mapped from a client request of <paramref name="clientBodyBytes"/>: that
    /// size and an eighth more (the Codex body of a Claude Code history is a little smaller than the request it came
    /// from), so a 3.5 MB history takes one array instead of a chain of doublings that the pool would keep.</summary>
    internal static int InitialCapacity(int clientBodyBytes) =>
        clientBodyBytes > 0 ? (int)Math.Clamp(clientBodyBytes + (long)clientBodyBytes / 8, InitialBytes, MaxInitialBytes) : InitialBytes;

    public CodexTurn Turn { get; }

    public string Model { get; }

    /// <summary>The body is in the Responses-lite shape, which the backend accepts only with its header.</summary>
    public bool ResponsesLite { get; }

    public string TurnMetadata { get; }

    /// <summary>The serialised body; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Json => _json.WrittenMemory;

    /// <summary>The zstd-compressed body, compressed on first use; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Compressed
    {
        get
        {
            if (_compressed is null)
            {
                var json = _json.WrittenSpan;
                var buffer = _pool.Rent(RequestBodyCompression.MaxCompressedLength(json.Length));
                try
                {
                    _compressedLength = RequestBodyCompression.Compress(json, buffer);
                }
                catch
                {
                    _pool.Return(buffer);
                    throw;
                }

                _compressed = buffer;
            }

            return _compressed.AsMemory(0, _compressedLength);
        }
    }

    /// <summary>The body to send, as a view of the pooled bytes (no copy).</summary>
    public HttpContent Content(bool compressed) => new PooledBytesContent(this, compressed ? Compressed : Json);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }
    }

    private bool TryHold()
    {
        for (var holders = Volatile.Read(ref _holders); holders > 0; holders = Volatile.Read(ref _holders))
        {
            if (Interlocked.CompareExchange(ref _holders, holders + 1, holders) == holders)
            {
                return true;
            }
        }

        return false;
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
        {
            _json.Dispose();
            if (_compressed is { } compressed)
            {
                _compressed = null;
                _pool.Return(compressed);
            }
        }
    }

    /// <summary>Writes the body's bytes, holding its arrays for as long as the write runs.</summary>
    private sealed class PooledBytesContent(OutgoingBody body, ReadOnlyMemory<byte> bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(!body.TryHold(), body);
            try
            {
                await stream.WriteAsync(bytes, cancellationToken);
            }
            finally
            {
                body.Release();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
