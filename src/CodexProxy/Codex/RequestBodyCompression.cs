using System.Collections.Concurrent;
using ZstdSharp;

namespace CodexProxy.Codex;

/// <summary>
/// zstd for request bodies (<c>Content-Encoding: zstd</c>), as the official CLI sends them to the ChatGPT backend.
/// Claude Code histories are large and repetitive, so this cuts upload size several times over for about a
/// millisecond of CPU per megabyte (<c>bench/README.md</c>). If the backend ever refuses the encoding, bodies go
/// uncompressed for the rest of the process.
/// </summary>
internal sealed class RequestBodyCompression(ILogger logger)
{
    /// <summary>Chosen by measurement (<c>bench/README.md</c>, "Request compression"): level 1 sends 40 % of the
    /// bytes of a Claude Code body for about half the CPU of level 3 (the CLI's level), which saves only 2 points
    /// more; the fast negative levels save little CPU and send 48 %.</summary>
    public const int Level = 1;

    public const string Encoding = "zstd";

    /// <summary>Compressors are not thread-safe and costly to create (they allocate their tables), so a few are
    /// reused: at most one per core is kept.</summary>
    private static readonly ConcurrentQueue<Compressor> Pool = new();

    private int _refused;

    /// <summary>False once the backend refused a compressed body.</summary>
    public bool Enabled => Volatile.Read(ref _refused) == 0;

    /// <summary>The compressed body: the first <c>Count</c> bytes of a buffer sized for the worst case.</summary>
    public static ArraySegment<byte> Compress(ReadOnlySpan<byte> body)
    {
        var buffer = new byte[MaxCompressedLength(body.Length)];
        return new ArraySegment<byte>(buffer, 0, Compress(body, buffer));
    }

    /// <summary>How large a destination <see cref="Compress(ReadOnlySpan{byte}, Span{byte})"/> may need.</summary>
    public static int MaxCompressedLength(int bodyLength) => Compressor.GetCompressBound(bodyLength);

    /// <summary>Compresses into <paramref name="destination"/> (at least <see cref="MaxCompressedLength"/> bytes, e.g.
    /// a rented array) and returns the compressed length.</summary>
    public static int Compress(ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var compressor = Pool.TryDequeue(out var pooled) ? pooled : new Compressor(Level);
        try
        {
            return compressor.Wrap(body, destination);
        }
        finally
        {
            if (Pool.Count < Environment.ProcessorCount)
            {
                Pool.Enqueue(compressor);
            }
            else
            {
                compressor.Dispose();
            }
        }
    }

    /// <summary>Whether an error answer to a compressed body means "this encoding is not accepted": 415, or a 400
    /// whose body names the encoding.</summary>
    public static bool IsEncodingRefusal(int status, string? errorBody) =>
        status == 415
        || (status == 400 && errorBody is not null
            && (errorBody.Contains("zstd", StringComparison.OrdinalIgnoreCase)
                || errorBody.Contains("content-encoding", StringComparison.OrdinalIgnoreCase)
                || errorBody.Contains("content encoding", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Stops compressing for this process; logs once.</summary>
    public void Refused(int status)
    {
        if (Interlocked.Exchange(ref _refused, 1) == 0)
        {
            CodexWireLog.CompressionRefused(logger, status);
        }
    }
}
