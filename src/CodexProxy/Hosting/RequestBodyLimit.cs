using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace CodexProxy.Hosting;

/// <summary>
/// The body size limit for the JSON endpoints, enforced by us rather than by Kestrel so that an over-limit upload
/// always gets a readable 413: Kestrel's own limit fires mid-read and closes the connection with the upload still
/// arriving, which the client sees as a reset. Past the limit the rest of the upload is read and discarded, within a
/// bound of bytes and time so an endless upload cannot hold the server, and the 413 closes the connection.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>Kestrel's own drain budget after a request; an upload still going after this is cut off.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>At least this much (or the limit itself, if larger) is drained, so a body a little over a small limit still gets a clean answer.</summary>
    public const long MinimumDrainBytes = 1024 * 1024;

    private const int DrainBufferBytes = 16 * 1024;

    /// <summary>The stream to read the body from, or a <see cref="RequestTooLargeException"/> when its declared length
    /// is over the limit. Only a body of unknown length (chunked) is wrapped; Kestrel stops a declared one at its length.</summary>
    public static async ValueTask<Stream> OpenAsync(HttpRequest request, TimeProvider time)
    {
        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is not { MaxRequestBodySize: { } limit, IsReadOnly: false })
        {
            return request.Body;
        }

        if (request.ContentLength > limit)
        {
            // A client waiting for 100-continue has not sent the body: answering at once saves it the upload.
            if (!request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
            {
                feature.MaxRequestBodySize = null;
                await RefuseAsync(request, request.Body, limit, time);
            }

            throw new RequestTooLargeException(limit);
        }

        if (request.ContentLength is not null)
        {
            return request.Body;
        }

        feature.MaxRequestBodySize = null;
        return new BodyLimitStream(request.Body, limit);
    }

    /// <summary>Discards what is left of the upload (bounded) and makes the coming 413 close the connection.</summary>
    public static async Task RefuseAsync(HttpRequest request, Stream body, long limit, TimeProvider time)
    {
        request.HttpContext.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers.Connection = "close";
            return Task.CompletedTask;
        }, request.HttpContext.Response);

        var budget = Math.Max(limit, MinimumDrainBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(DrainBufferBytes);
        using var timeout = new CancellationTokenSource(DrainTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, request.HttpContext.RequestAborted);
        var ended = false;
        try
        {
            int read;
            do
            {
                read = await body.ReadAsync(buffer, linked.Token);
                budget -= read;
            }
            while (read > 0 && budget > 0);
            ended = read == 0;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // Out of time, or the client gave up: the 413 (and the close) is all that is left to do.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!ended)
        {
            // Kestrel would otherwise go on draining the upload itself (for seconds, with no byte limit now).
            request.HttpContext.Response.OnCompleted(static state =>
            {
                ((HttpContext)state).Abort();
                return Task.CompletedTask;
            }, request.HttpContext);
        }
    }
}
