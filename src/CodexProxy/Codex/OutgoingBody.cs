using System.Buffers;
using System.Text.Json;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Codex;

/// <summary>
/// One request's body, serialised once with its turn's <c>client_metadata</c>: a 401 retry or an uncompressed resend
/// sends the same bytes. The JSON and its zstd form (made on first use) live in rented arrays, so a 3.5 MB history
/// leaves no large-object-heap arrays behind (<c>bench/README.md</c>); the content sent is a view of them, not a copy.
/// Dispose returns both arrays: the owner disposes it once the last send of the body has returned, which over
/// HTTP/1.1 (what <see cref="CodexClient"/> sends) is after the body was written out in full.
/// </summary>
internal sealed class OutgoingBody : IDisposable
{
    /// <summary>The wire context's own writer settings (its relaxed encoder and depth), so the bytes are exactly what
    /// <see cref="JsonSerializer.SerializeToUtf8Bytes{TValue}(TValue, System.Text.Json.Serialization.Metadata.JsonTypeInfo{TValue})"/> writes.</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = CodexJsonContext.Wire.Options.Encoder,
        MaxDepth = CodexJsonContext.Wire.Options.MaxDepth,
    };

    /// <summary>Small: under load most bodies are a few KB and many are in flight at once; a big history doubles
    /// its way up (a few copies of memory, under a millisecond for 3.5 MB).</summary>
    private const int InitialBytes = 16 * 1024;

    private readonly ArrayPool<byte> _pool;
    private readonly PooledBufferWriter _json;
    private byte[]? _compressed;
    private int _compressedLength;

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
        _json = new PooledBufferWriter(pool, InitialBytes);
        try
        {
            using var writer = new Utf8JsonWriter(_json, WriterOptions);
            JsonSerializer.Serialize(writer, withMetadata, CodexJsonContext.Wire.CodexRequest);
        }
        catch
        {
            _json.Dispose();
            throw;
        }
    }

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

    /// <summary>The body to send, as a view of the pooled bytes.</summary>
    public HttpContent Content(bool compressed) => new ReadOnlyMemoryContent(compressed ? Compressed : Json);

    public void Dispose()
    {
        _json.Dispose();
        if (_compressed is { } compressed)
        {
            _compressed = null;
            _pool.Return(compressed);
        }
    }
}
