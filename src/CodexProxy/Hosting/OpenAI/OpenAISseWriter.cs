using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CodexProxy.OpenAI;

namespace CodexProxy.Hosting.OpenAI;

/// <summary>How one OpenAI stream writes its events, its failure and its end.</summary>
internal abstract class OpenAISseFormat<T>
{
    /// <summary>The SSE <c>event:</c> name, or null for a data-only event (Chat Completions).</summary>
    public abstract string? EventName(T item);

    public abstract void WriteData(Utf8JsonWriter writer, T item);

    /// <summary>Writes whole SSE events reporting a failure after the stream began.</summary>
    public abstract void WriteFailure(IBufferWriter<byte> body, OpenAIErrorDetail error);

    /// <summary>Written after the last event of a stream that ended well (<c>data: [DONE]</c> for Chat Completions).</summary>
    public virtual ReadOnlySpan<byte> End => [];

    public void Write(IBufferWriter<byte> body, T item) => WriteEvent(body, EventName(item), writer => WriteData(writer, item));

    /// <summary>Text goes out as UTF-8, not <c>\uXXXX</c>: an event stream is never embedded in HTML.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    protected static void WriteEvent(IBufferWriter<byte> body, string? name, Action<Utf8JsonWriter> data)
    {
        if (name is not null)
        {
            body.Write("event: "u8);
            Encoding.UTF8.GetBytes(name, body);
            body.Write("\n"u8);
        }

        body.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
        {
            data(writer);
        }

        body.Write("\n\n"u8);
    }
}

/// <summary>
/// Streams OpenAI events: each event is flushed as it is written, so nothing waits behind the next upstream read;
/// an SSE comment goes out after <see cref="PingInterval"/> of silence so clients and proxies with
/// read timeouts keep the connection during long reasoning. An exception before the first event propagates (the
/// caller answers with an HTTP status); after it, the failure is written as the format's error events.
/// </summary>
/// <param name="describe">The failure in OpenAI's words, from the one error mapping.</param>
internal sealed class OpenAISseWriter<T>(HttpResponse response, TimeProvider time, Func<Exception, OpenAIErrorDetail> describe, OpenAISseFormat<T> format)
{
    /// <summary>As for the Anthropic stream.</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    public bool HasStarted { get; private set; }

    /// <summary>The failure reported inside the stream, if any.</summary>
    public Exception? Failure { get; private set; }

    public async Task WriteAsync(IAsyncEnumerable<T> events, CancellationToken cancellationToken)
    {
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool hasEvent;
            try
            {
                hasEvent = await NextAsync(enumerator, cancellationToken);
            }
            catch (Exception e) when (HasStarted && !cancellationToken.IsCancellationRequested)
            {
                Failure = e;
                format.WriteFailure(response.BodyWriter, describe(e));
                await response.BodyWriter.FlushAsync(cancellationToken);
                return;
            }

            if (!hasEvent)
            {
                break;
            }

            Start();
            var item = enumerator.Current;
            format.Write(response.BodyWriter, item);
            await response.BodyWriter.FlushAsync(cancellationToken);
        }

        Start();
        response.BodyWriter.Write(format.End);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private async ValueTask<bool> NextAsync(IAsyncEnumerator<T> enumerator, CancellationToken cancellationToken)
    {
        var moveNext = enumerator.MoveNextAsync();
        if (moveNext.IsCompleted || !HasStarted)
        {
            return await moveNext;
        }

        var pending = moveNext.AsTask();
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (await Task.WhenAny(pending, Task.Delay(PingInterval, time, silence.Token)) != pending)
            {
                response.BodyWriter.Write(": ping\n\n"u8);
                await response.BodyWriter.FlushAsync(cancellationToken);
            }
        }
        catch
        {
            // An iterator cannot be disposed while a MoveNext is in flight; the request's cancellation ends it.
            await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        finally
        {
            await silence.CancelAsync();
        }

        return await pending;
    }

    private void Start()
    {
        if (HasStarted)
        {
            return;
        }

        HasStarted = true;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }
}
