using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;

namespace CodexProxy.Codex;

/// <summary>
/// The one place that talks HTTP to <c>{CODEX_BASE_URL}/codex/responses</c>. Returns the open SSE body; never buffers it.
/// Requests carry the headers and <c>client_metadata</c> of the official Codex CLI (<see cref="CodexClientIdentity"/>,
/// <see cref="CodexTurnHeaders"/>), zstd-compressed bodies, the turn's sticky-routing state and Cloudflare's cookies.
/// </summary>
internal sealed class CodexClient(
    HttpClient http,
    ProxyOptions options,
    AccountPool accounts,
    IEnumerable<IUpstreamHeadersObserver> headerObservers,
    IEnumerable<IRateLimitEventObserver> rateLimitObservers,
    CodexClientState state,
    ArrayPool<byte> bodyBuffers)
{
    private readonly Uri _responsesUri = new($"{options.CodexBaseUrl.AbsoluteUri.TrimEnd('/')}/codex/responses");
    private readonly IReadOnlyList<IRateLimitEventObserver> _rateLimitObservers = [.. rateLimitObservers];

    /// <summary>Like YARP's forwarder: explicit connect timeout, no total timeout (long reasoning is normal),
    /// no redirects, no cookie container (Cloudflare's cookies are kept by <see cref="CloudflareCookieJar"/>),
    /// no proxy surprises. No response compression is asked for (no <c>Accept-Encoding</c>), as the official
    /// client asks for none: the stream is small text events that must be flushed one by one.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The events of an open response body; <c>codex.rate_limits</c> events go to the rate-limit observers
    /// and to the usage windows of the account that answered (the default one unless named).</summary>
    public IAsyncEnumerable<CodexStreamEvent> ReadEventsAsync(
        Stream body, CodexRequest request, CancellationToken cancellationToken, CodexAccount? account = null) =>
        CodexEventReader.ReadAsync(
            body, cancellationToken, [.. _rateLimitObservers, (account ?? accounts.Default).Usage], request.EventsReadByTypeOnly);

    /// <summary>Sends the request and returns the response once its headers arrive. On a 401 the credentials are
    /// recovered (refresh) once and the request is sent again. With <paramref name="idle"/>, waiting longer than its
    /// timeout for headers (or an error body) throws <see cref="UpstreamTimeoutException"/>. Sent with
    /// <paramref name="account"/>'s login (the default account's when null), whose usage windows learn the answer's.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(
        CodexRequest request, CancellationToken cancellationToken, UpstreamIdleWatch? idle = null, CodexAccount? account = null)
    {
        account ??= accounts.Default;
        var turn = BeginTurn(request);
        using var body = new OutgoingBody(request, turn, state.InstallationId, bodyBuffers);
        var credential = await account.Credentials.GetAsync(cancellationToken);
        var response = await SendAsync(body, account, credential, idle, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            credential = await account.Credentials.RecoverFromUnauthorizedAsync(credential, cancellationToken);
            response = await SendAsync(body, account, credential, idle, cancellationToken);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var errorBody = await ReadErrorBodyAsync(response, idle, cancellationToken);
            throw new UpstreamHttpException((int)response.StatusCode, errorBody, response.Headers);
        }
    }

    /// <summary>The request's conversation moved to another account: the routing token the old account gave for the
    /// current turn is not sent to the new one.</summary>
    public void ForgetTurnState(CodexRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PromptCacheKey is { Length: > 0 })
        {
            state.Turns.ForgetTurnState(CodexTurnHeaders.ThreadIdOf(request));
        }
    }

    /// <summary>A request without a thread key is a turn of its own and is not remembered.</summary>
    internal CodexTurn BeginTurn(CodexRequest request)
    {
        var threadId = CodexTurnHeaders.ThreadIdOf(request);
        return request.PromptCacheKey is { Length: > 0 }
            ? state.Turns.Begin(threadId, CodexTurnHeaders.ContinuesTurn(request), request.Input.Count)
            : new CodexTurn(threadId, RandomUuid.New(), state.Time.GetUtcNow(), TurnState: null);
    }

    /// <summary>Sends compressed while the backend accepts it; a refusal of the encoding is answered by sending the
    /// same body uncompressed, and later requests go uncompressed too.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        OutgoingBody body, CodexAccount sender, CodexCredential credential, UpstreamIdleWatch? idle, CancellationToken cancellationToken)
    {
        var compress = state.Compression.Enabled;
        var response = await SendOnceAsync(body, sender, compress, credential, idle, cancellationToken);
        if (compress && await IsEncodingRefusalAsync(response, idle, cancellationToken))
        {
            state.Compression.Refused((int)response.StatusCode);
            response.Dispose();
            response = await SendOnceAsync(body, sender, compress: false, credential, idle, cancellationToken);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        OutgoingBody body, CodexAccount sender, bool compress, CodexCredential credential, UpstreamIdleWatch? idle, CancellationToken cancellationToken)
    {
        var content = body.Content(compress);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (compress)
        {
            content.Headers.ContentEncoding.Add(RequestBodyCompression.Encoding);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, _responsesUri) { Content = content };
        var headers = message.Headers;
        headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.AccessToken);
        var account = credential.AccountId ?? string.Empty;
        if (credential.AccountId is { } accountId)
        {
            headers.TryAddWithoutValidation("chatgpt-account-id", accountId);
        }

        headers.TryAddWithoutValidation("originator", CodexClientIdentity.Originator);
        headers.TryAddWithoutValidation("User-Agent", CodexClientIdentity.UserAgent);
        headers.TryAddWithoutValidation("version", CodexClientIdentity.Version);
        CodexTurnHeaders.Apply(headers, body.Turn, body.TurnMetadata, body.Model);
        if (state.Cookies.CookieHeader(account) is { } cookie)
        {
            headers.TryAddWithoutValidation("cookie", cookie);
        }

        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (body.ResponsesLite)
        {
            headers.TryAddWithoutValidation("x-openai-internal-codex-responses-lite", "true");
        }

        HttpResponseMessage response;
        idle?.Restart();
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, idle?.Token ?? cancellationToken);
        }
        catch (Exception e) when (idle?.Expired == true && e is OperationCanceledException or HttpRequestException)
        {
            throw new UpstreamTimeoutException(idle.Timeout);
        }
        catch (HttpRequestException e)
        {
            throw new UpstreamConnectionException($"Could not reach the ChatGPT Codex backend at {options.CodexBaseUrl}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamConnectionException($"Timed out connecting to the ChatGPT Codex backend at {options.CodexBaseUrl}.", e);
        }
        finally
        {
            idle?.Pause();
        }

        RememberFromAnswer(response.Headers, body.Turn, account);
        sender.Usage.OnResponseHeaders(response.Headers);
        foreach (var observer in headerObservers)
        {
            observer.OnResponseHeaders(response.Headers);
        }

        return response;
    }

    private void RememberFromAnswer(HttpResponseHeaders headers, CodexTurn turn, string account)
    {
        if (headers.TryGetValues(CodexTurnHeaders.TurnStateHeader, out var turnStates) && turnStates.FirstOrDefault() is { Length: > 0 } turnState)
        {
            state.Turns.RecordTurnState(turn, CodexClientIdentity.Sanitize(turnState));
        }

        if (headers.TryGetValues("Set-Cookie", out var cookies))
        {
            state.Cookies.Store(account, cookies);
        }
    }

    /// <summary>415, or a 400 whose (small, buffered) body names the encoding. The buffered body is still there for
    /// the error path when it is not a refusal.</summary>
    private static async Task<bool> IsEncodingRefusalAsync(HttpResponseMessage response, UpstreamIdleWatch? idle, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status != 400)
        {
            return RequestBodyCompression.IsEncodingRefusal(status, errorBody: null);
        }

        idle?.Restart();
        try
        {
            await response.Content.LoadIntoBufferAsync(64 * 1024, idle?.Token ?? cancellationToken);
            return RequestBodyCompression.IsEncodingRefusal(status, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (idle?.Expired == true && e is OperationCanceledException))
        {
            return false;
        }
        finally
        {
            idle?.Pause();
        }
    }

    /// <summary>Error bodies are small JSON or HTML; cap what we read so a hostile body cannot exhaust memory.</summary>
    private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, UpstreamIdleWatch? idle, CancellationToken cancellationToken)
    {
        const int MaxErrorBodyChars = 64 * 1024;
        idle?.Restart();
        try
        {
            var text = await response.Content.ReadAsStringAsync(idle?.Token ?? cancellationToken);
            return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (idle?.Expired == true && e is OperationCanceledException))
        {
            // The status says enough; a body that stalls or breaks adds nothing.
            return string.Empty;
        }
        finally
        {
            idle?.Pause();
        }
    }
}
