using System.Net;
using System.Net.WebSockets;
using CodexProxy.Auth;

namespace CodexProxy.Codex;

/// <summary>The upgrade did not happen. <see cref="Status"/> is the HTTP status the backend answered instead (426,
/// 401, …), or null when it could not be reached in time.</summary>
internal sealed class WebSocketUpgradeException(int? status, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public int? Status { get; } = status;
}

/// <summary>
/// Opens the WebSocket to <c>{CODEX_BASE_URL}/codex/responses</c> (https → wss) with the headers the official Codex CLI
/// sends on its upgrade: the login, <c>OpenAI-Beta: responses_websockets=2026-02-06</c>, the client identity, the
/// thread and turn headers, and Cloudflare's cookies; <c>permessage-deflate</c> is offered, as the CLI does. The
/// Responses-lite header is not sent here: it travels in each frame's <c>client_metadata</c>.
/// </summary>
internal static class CodexWebSocketHandshake
{
    public const string BetaHeaderValue = "responses_websockets=2026-02-06";

    /// <summary>The official client's WebSocket connect timeout.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public static Uri ResponsesUri(Uri codexBaseUrl)
    {
        var builder = new UriBuilder($"{codexBaseUrl.AbsoluteUri.TrimEnd('/')}/codex/responses");
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }

    /// <summary>The handshake's request headers, in the CLI's order (names as it sends them).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(CodexCredential credential, CodexTurn turn, string turnMetadata, string model, string? cookie)
    {
        var headers = new List<KeyValuePair<string, string>> { new("authorization", "Bearer " + credential.AccessToken) };
        if (credential.AccountId is { } accountId)
        {
            headers.Add(new("chatgpt-account-id", accountId));
        }

        headers.Add(new("openai-beta", BetaHeaderValue));
        headers.Add(new("originator", CodexClientIdentity.Originator));
        headers.Add(new("session-id", turn.ThreadId));
        headers.Add(new("thread-id", turn.ThreadId));
        headers.Add(new("user-agent", CodexClientIdentity.UserAgent));
        headers.Add(new("version", CodexClientIdentity.Version));
        headers.Add(new("x-client-request-id", turn.ThreadId));
        headers.Add(new("x-codex-routing-hint", "model=" + CodexClientIdentity.Sanitize(model)));
        headers.Add(new("x-codex-turn-metadata", turnMetadata));
        headers.Add(new("x-codex-window-id", CodexTurnHeaders.WindowId(turn.ThreadId)));
        if (cookie is not null)
        {
            headers.Add(new("cookie", cookie));
        }

        return headers;
    }

    /// <summary>The open socket, or <see cref="WebSocketUpgradeException"/>. The client's cancellation is rethrown as is.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(
        Uri uri, IReadOnlyList<KeyValuePair<string, string>> headers, HttpMessageInvoker invoker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(uri, invoker, deadline.Token);
            return socket;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var status = socket.HttpStatusCode is var code && code != 0 && code != HttpStatusCode.SwitchingProtocols ? (int?)code : null;
            socket.Dispose();
            throw new WebSocketUpgradeException(
                status,
                status is { } answered ? $"the backend answered {answered} to the WebSocket upgrade"
                : e is OperationCanceledException ? $"no WebSocket upgrade within {timeout.TotalSeconds:0} s"
                : $"the WebSocket upgrade failed: {e.Message}",
                e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The upgrade answer's headers in the shape the header observers read (rate limits, catalogue ETag, cookies).</summary>
    public static HttpResponseMessage AnswerHeaders(ClientWebSocket socket)
    {
        var answer = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols);
        foreach (var (name, values) in socket.HttpResponseHeaders ?? new Dictionary<string, IEnumerable<string>>())
        {
            answer.Headers.TryAddWithoutValidation(name, values);
        }

        socket.HttpResponseHeaders = null;
        return answer;
    }
}
