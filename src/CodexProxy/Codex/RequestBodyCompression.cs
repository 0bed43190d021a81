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
    /// <summary>Chosen by measurement (<c>bench/README.md</c>, "Request compression"): level 1 keeps a 3.5 MB body
    /// to a few milliseconds of CPU and gives nearly the size of level 3, which costs about twice as much.</summary>
    public const int Level = 1;

    public const string Encoding = "zstd";

    /// <summary>One compressor per thread: creating one allocates its tables, and a compressor is not thread-safe.</summary>
    [ThreadStatic]
    private static Compressor? t_compressor;

    private int _refused;

    /// <summary>False once the backend refused a compressed body.</summary>
    public bool Enabled => Volatile.Read(ref _refused) == 0;

    public static byte[] Compress(ReadOnlySpan<byte> body)
    {
        var compressor = t_compressor ??= new Compressor(Level);
        return compressor.Wrap(body).ToArray();
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
