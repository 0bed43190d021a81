using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;

namespace CodexProxy.Codex;

/// <summary>
/// The one place that talks HTTP to <c>{CODEX_BASE_URL}/codex/responses</c>. Returns the open SSE body; never buffers it.
/// </summary>
internal sealed class CodexClient(
    HttpClient http,
    ProxyOptions options,
    ICodexCredentials credentials,
    IEnumerable<IUpstreamHeadersObserver> headerObservers)
{
    /// <summary>Sent as <c>originator</c>: the backend expects a Codex client; the User-Agent says who we really are.</summary>
    public const string Originator = "codex_cli_rs";

    private static readonly string UserAgent =
        $"chatgpt-codex-proxy/{typeof(CodexClient).Assembly.GetName().Version?.ToString(3)} ({Environment.OSVersion.Platform}; {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture})";

    private readonly Uri _responsesUri = new($"{options.CodexBaseUrl.AbsoluteUri.TrimEnd('/')}/codex/responses");

    /// <summary>Like YARP's forwarder: explicit connect timeout, no total timeout (long reasoning is normal),
    /// no redirects, no cookies, no proxy surprises.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Sends the request and returns the response once its headers arrive. On a 401 the credentials are
    /// recovered (refresh) once and the request is sent again. With <paramref name="idle"/>, waiting longer than its
    /// timeout for headers (or an error body) throws <see cref="UpstreamTimeoutException"/>.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(CodexRequest request, CancellationToken cancellationToken, UpstreamIdleWatch? idle = null)
    {
        // Serialised once: the bytes are identical on a retry, and identical turn after turn for the same history.
        var body = JsonSerializer.SerializeToUtf8Bytes(request, CodexJsonContext.Wire.CodexRequest);
        var credential = await credentials.GetAsync(cancellationToken);
        var response = await SendAsync(body, request.PromptCacheKey, request.ResponsesLite, credential, idle, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            credential = await credentials.RecoverFromUnauthorizedAsync(credential, cancellationToken);
            response = await SendAsync(body, request.PromptCacheKey, request.ResponsesLite, credential, idle, cancellationToken);
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

    private async Task<HttpResponseMessage> SendAsync(
        byte[] body, string? sessionId, bool responsesLite, CodexCredential credential, UpstreamIdleWatch? idle, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _responsesUri)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        var headers = message.Headers;
        headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.AccessToken);
        if (credential.AccountId is { } accountId)
        {
            headers.TryAddWithoutValidation("chatgpt-account-id", accountId);
        }

        headers.TryAddWithoutValidation("OpenAI-Beta", "responses=experimental");
        headers.TryAddWithoutValidation("originator", Originator);
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (responsesLite)
        {
            // The Responses-lite body shape (tools in an additional_tools item) is only accepted with this header.
            headers.TryAddWithoutValidation("x-openai-internal-codex-responses-lite", "true");
        }

        if (sessionId is not null)
        {
            // ChatGPT derives prompt-cache affinity from the session header; both spellings are in use.
            headers.TryAddWithoutValidation("session_id", sessionId);
            headers.TryAddWithoutValidation("session-id", sessionId);
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

        foreach (var observer in headerObservers)
        {
            observer.OnResponseHeaders(response.Headers);
        }

        return response;
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
