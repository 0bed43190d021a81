using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace CodexProxy.Hosting;

/// <summary>
/// The body size limit for the JSON endpoints, enforced by us rather than by Kestrel so that an over-limit upload
/// always gets a readable 413: Kestrel's own limit fires mid-read and closes the connection with the upload still
/// arriving, which the client sees as a reset. A declared length over the limit is refused before anything is read
/// (<see cref="EdgeGuardMiddleware"/>); a chunked body is counted as it is read. Either way the 413 goes out first and
/// closes the connection; then the rest of the upload is read and discarded, within a bound of bytes and time so an
/// endless upload cannot hold the server, so that a client still sending is not cut off before it reads the answer.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>Kestrel's own drain budget after a request; an upload still going after this is cut off.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>At least this much (or the limit itself, if larger) is drained, so a body a little over a small limit still gets a clean answer.</summary>
    public const long MinimumDrainBytes = 1024 * 1024;

    private const int DrainBufferBytes = 16 * 1024;

    /// <summary>True when the request declares a Content-Length over the limit.</summary>
    public static bool IsDeclaredOverLimit(HttpContext http, out long limit)
    {
        limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue;
        return http.Request.ContentLength > limit;
    }

    /// <summary>The stream to read the body from. Only a body of unknown length (chunked) is wrapped in a counting
    /// stream; Kestrel stops a declared one at its length, and one declared over the limit never gets here.</summary>
    public static Stream Open(HttpRequest request)
    {
        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is not { MaxRequestBodySize: { } limit, IsReadOnly: false } || request.ContentLength is not null)
        {
            return request.Body;
        }

        feature.MaxRequestBodySize = null;
        return new BodyLimitStream(request.Body, limit);
    }

    /// <summary>Makes the coming 413 close the connection, and marks the rest of the upload to be discarded once the
    /// answer is out (<see cref="DrainIfRefusedAsync"/>).</summary>
    public static void Refuse(HttpContext http, long limit)
    {
        // A client waiting for 100-continue has not sent the body, and reading now would invite it to; Kestrel ends
        // such an exchange itself.
        if (http.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        http.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers.Connection = "close";
            return Task.CompletedTask;
        }, http.Response);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = null;
        }

        http.Items[typeof(RefusedUpload)] = new RefusedUpload(limit);
    }

    /// <summary>After a refusal: sends the answer in full, then reads and drops what is left of the upload (bounded in
    /// bytes and time) so a client still sending reads the 413 instead of a reset; past the bound the connection is cut.</summary>
    public static async Task DrainIfRefusedAsync(HttpContext http, TimeProvider time)
    {
        if (http.Items[typeof(RefusedUpload)] is not RefusedUpload refused)
        {
            return;
        }

        await http.Response.CompleteAsync();
        await DrainAsync(http, refused.Limit, time);
    }

    private static async Task DrainAsync(HttpContext http, long limit, TimeProvider time)
    {
        var budget = Math.Max(limit, MinimumDrainBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(DrainBufferBytes);
        using var timeout = new CancellationTokenSource(DrainTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, http.RequestAborted);
        var ended = false;
        try
        {
            int read;
            do
            {
                read = await http.Request.Body.ReadAsync(buffer, linked.Token);
                budget -= read;
            }
            while (read > 0 && budget > 0);
            ended = read == 0;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // Out of time, or the client gave up: the 413 (and the close) was all there was to do.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!ended)
        {
            // Kestrel would otherwise go on draining the upload itself (for seconds, with no byte limit now).
            http.Abort();
        }
    }

    private sealed record RefusedUpload(long Limit);
}
