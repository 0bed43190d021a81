using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.IO;

namespace CodexProxy.Codex;

/// <summary>
/// One turn on a conversation's socket: sends the <c>response.create</c> frame (only the new items with
/// <c>previous_response_id</c> when <see cref="IncrementalTurnPlanner"/> allows, else the whole input) and reads the
/// response's events, one JSON text message each, through the same parser as the SSE body. At the terminal event the
/// socket is released with what the backend now holds; a turn that ends any other way abandons the socket.
/// A <c>previous_response_not_found</c> answer is followed by the full request, once, before any output.
/// An <c>error</c> frame with a <c>status</c> is the backend's HTTP error in WebSocket form and is raised as one.
/// </summary>
internal sealed class CodexWebSocketTurn(
    CodexWebSocketConnection connection,
    CodexWebSocketPool pool,
    string poolKey,
    CodexRequest request,
    TurnContext context,
    ILogger logger)
{
    private const string PreviousResponseNotFound = "previous_response_not_found";

    /// <summary>The backend's word for "open a new socket" (the official client reconnects).</summary>
    private const string ConnectionLimitReached = "websocket_connection_limit_reached";

    private readonly ItemDigest _settings = ItemDigest.OfSettings(request);
    private InputDigests? _input;
    private TurnPlan _plan;
    private int _released;

    public async Task SendAsync(CancellationToken cancellationToken)
    {
        // The items' bytes are held only while the frame is written; the rare second frame (after
        // previous_response_not_found) serialises the items again.
        using var items = RenderedInputItems.Render(request.Input, OutgoingBody.InitialCapacity(request.ClientBodyBytes));
        _input = new InputDigests(items);
        _plan = IncrementalTurnPlanner.Plan(connection.Chain, connection.NoChainReason, connection.AccountKey, _settings, _input);
        await SendFrameAsync(cancellationToken);
    }

    private InputDigests Input => _input ?? throw new InvalidOperationException("The turn's request was not sent.");

    /// <summary>The response's events. Disposing them, read to the end or not (or never started), frees the socket
    /// for the next turn only after the terminal event; otherwise the socket is abandoned.</summary>
    public IAsyncEnumerator<CodexStreamEvent> Events(CancellationToken cancellationToken) =>
        new TurnEvents(this, ReadEventsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken));

    private async IAsyncEnumerable<CodexStreamEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = new UpstreamIdleWatch(context.IdleTimeout, context.Time, cancellationToken);
        // Pooled: a new 16 KB array per turn was a fifth of what a short turn allocated.
        using var message = new PooledBufferWriter(BodyBufferPool.Instance, 16 * 1024);
        var flatEvents = new CodexFlatEventParser(request.EventsReadByTypeOnly);
        var outputs = new List<ItemDigest>();
        try
        {
            while (await ReceiveAsync(message, watch))
            {
                if (CodexEventReader.Parse(message.WrittenSpan, flatEvents, context.RateLimitObservers) is not { } codexEvent)
                {
                    continue;
                }

                if (codexEvent.Type == "error" && UpstreamFailureClassifier.ErrorOf(codexEvent) is { } error)
                {
                    if (_plan.Incremental && outputs.Count == 0 && UpstreamFailureClassifier.Is(error, PreviousResponseNotFound))
                    {
                        CodexWebSocketLog.PreviousResponseNotFound(logger);
                        connection.ForgetChain(FullRequestReason.PreviousResponseNotFound);
                        _plan = TurnPlan.Full(FullRequestReason.PreviousResponseNotFound);
                        await SendFrameAsync(cancellationToken);
                        continue;
                    }

                    if (outputs.Count == 0 && UpstreamFailureClassifier.Is(error, ConnectionLimitReached))
                    {
                        throw new IOException("The ChatGPT Codex backend asked for a new WebSocket (" + ConnectionLimitReached + ").");
                    }

                    // An error may be followed by more of the same response: the socket is not reused.
                    if (WrappedStatus(message.WrittenSpan) is { } status)
                    {
                        throw new UpstreamHttpException(status, ErrorBody(message.WrittenSpan), headers: null);
                    }

                    yield return codexEvent;
                    yield break;
                }

                if (codexEvent.Type == "response.output_item.done" && codexEvent.Item is { } item)
                {
                    outputs.Add(OutputItemRendering.Digest(item));
                }

                if (codexEvent.Type is "response.completed" or "response.failed" or "response.incomplete")
                {
                    Volatile.Write(ref _released, 1);
                    connection.Complete(ChainAfter(codexEvent, outputs), FullRequestReason.PreviousNotCompleted);
                    yield return codexEvent;
                    yield break;
                }

                yield return codexEvent;
            }
        }
        finally
        {
            watch.Dispose();
            AbandonUnlessReleased();
        }
    }

    /// <summary>A socket whose response did not reach its terminal event may still carry it: never reused. Neither is
    /// one the pool no longer holds (another turn of the conversation opened the kept socket meanwhile).</summary>
    internal void Finish() => AbandonUnlessReleased();

    private void AbandonUnlessReleased()
    {
        if (Volatile.Read(ref _released) == 0 || !pool.Holds(poolKey, connection))
        {
            pool.Remove(poolKey, connection);
        }
    }

    private async Task SendFrameAsync(CancellationToken cancellationToken)
    {
        using var frame = Frame();
        if (_plan.Incremental)
        {
            CodexWebSocketLog.IncrementalRequest(logger, request.Input.Count - _plan.NewItemsFrom, request.Input.Count);
        }
        else
        {
            CodexWebSocketLog.FullRequest(logger, request.Input.Count, _plan.Reason);
        }

        try
        {
            await connection.SendAsync(frame.WrittenMemory, cancellationToken);
        }
        catch (WebSocketException e)
        {
            throw new IOException("The WebSocket to the ChatGPT Codex backend broke while sending: " + e.Message, e);
        }
    }

    /// <summary>The frame in a pooled buffer: a full request carries the whole history (megabytes), which a new
    /// array per frame would leave on the large-object heap.</summary>
    private PooledBufferWriter Frame()
    {
        var metadata = CodexTurnHeaders.ClientMetadata(context.Turn, context.InstallationId, context.TurnMetadata) with
        {
            WebSocketRequestStartMs = context.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            WebSocketResponsesLite = request.ResponsesLite ? "true" : null,
        };
        var frame = request with
        {
            FrameType = "response.create",
            PreviousResponseId = _plan.PreviousResponseId,
            Input = Input.ItemsFrom(_plan.Incremental ? _plan.NewItemsFrom : 0),
            ClientMetadata = metadata,
        };
        var buffer = new PooledBufferWriter(BodyBufferPool.Instance, OutgoingBody.InitialCapacity(_plan.Incremental ? 0 : request.ClientBodyBytes));
        try
        {
            using var writer = new Utf8JsonWriter(buffer, CodexJsonContext.WriterOptionsOf(CodexJsonContext.Wire));
            JsonSerializer.Serialize(writer, frame, CodexJsonContext.Wire.CodexRequest);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>A completed response leaves the backend holding this request's input and the response's output.</summary>
    private ConversationChain? ChainAfter(CodexStreamEvent terminal, List<ItemDigest> outputs) =>
        terminal.Type == "response.completed" && terminal.Response?.Id is { Length: > 0 } id
            ? new ConversationChain(id, connection.AccountKey, _settings, [.. Input.Sent, .. outputs], Input.Count)
            : null;

    private async ValueTask<bool> ReceiveAsync(PooledBufferWriter message, UpstreamIdleWatch watch)
    {
        try
        {
            return await watch.WaitAsync(connection.ReceiveAsync(message, watch.Token));
        }
        catch (Exception e) when (watch.Expired && e is OperationCanceledException or WebSocketException)
        {
            throw new UpstreamTimeoutException(watch.Timeout);
        }
        catch (WebSocketException e)
        {
            throw new IOException("The WebSocket to the ChatGPT Codex backend broke: " + e.Message, e);
        }
    }

    /// <summary>The <c>status</c> of an <c>error</c> frame, when it has one (the backend's HTTP status for the failure).</summary>
    private static int? WrappedStatus(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isStatus = reader.ValueTextEquals("status"u8);
            reader.Read();
            if (isStatus && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var status) && status >= 400)
            {
                return status;
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>The HTTP error body the frame stands for: <c>{"error":…}</c>.</summary>
    private static string ErrorBody(ReadOnlySpan<byte> frame)
    {
        using var document = JsonDocument.Parse(frame.ToArray());
        return document.RootElement.TryGetProperty("error", out var error)
            ? $$"""{"error":{{error.GetRawText()}}}"""
            : Encoding.UTF8.GetString(frame);
    }
}

/// <summary>Runs the turn's clean-up even when the events were never read.</summary>
file sealed class TurnEvents(CodexWebSocketTurn turn, IAsyncEnumerator<CodexStreamEvent> events) : IAsyncEnumerator<CodexStreamEvent>
{
    public CodexStreamEvent Current => events.Current;

    public ValueTask<bool> MoveNextAsync() => events.MoveNextAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await events.DisposeAsync();
        }
        finally
        {
            turn.Finish();
        }
    }
}

/// <summary>What a socket turn needs from the request pipeline besides the request itself.</summary>
internal sealed record TurnContext(
    CodexTurn Turn,
    string TurnMetadata,
    string InstallationId,
    TimeSpan IdleTimeout,
    TimeProvider Time,
    IReadOnlyList<IRateLimitEventObserver> RateLimitObservers);
