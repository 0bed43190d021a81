using System.Net;
using System.Security.Cryptography;
using System.Text;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.Diagnostics;

namespace CodexProxy.Codex;

/// <summary>
/// The official Codex CLI's transport: one WebSocket per conversation (its <c>prompt_cache_key</c>) and account, used
/// for catalogue models with <c>prefer_websockets</c> (every model with <c>CODEX_TRANSPORT=websocket</c>, none with
/// <c>http</c>). <see cref="TryOpenAsync"/> answers null whenever the turn should go over HTTPS instead: no
/// conversation key, the model does not prefer it, a recent failed upgrade, or a turn of the same conversation already
/// running on the socket. A 401 on the upgrade recovers the login once, like the HTTP path; any other failed upgrade
/// (426, a timeout after 15 s, refused) switches to HTTPS for a while.
/// </summary>
internal sealed class CodexWebSocketTransport(
    ProxyOptions options,
    CodexClient client,
    CodexClientState state,
    ModelCatalog catalog,
    IEnumerable<IUpstreamHeadersObserver> headerObservers,
    IEnumerable<IRateLimitEventObserver> rateLimitObservers,
    ActivityGauges gauges,
    TimeProvider time,
    ILogger<CodexWebSocketTransport> logger) : IDisposable
{
    private readonly Uri _uri = CodexWebSocketHandshake.ResponsesUri(options.CodexBaseUrl);
    private readonly IReadOnlyList<IRateLimitEventObserver> _rateLimitObservers = [.. rateLimitObservers];

    /// <summary>Set up like the HTTP client (<see cref="CodexClient.CreateHttpClient"/>): the official client's 15 s
    /// connect timeout, no redirects, Cloudflare's cookies kept by <see cref="CloudflareCookieJar"/>, not a container.</summary>
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        ConnectTimeout = CodexWebSocketHandshake.ConnectTimeout,
        AllowAutoRedirect = false,
        UseCookies = false,
    });

    private volatile RememberedCredentialKey? _lastCredentialKey;

    public CodexWebSocketPool Pool { get; } = new(time);

    /// <summary>Whether <paramref name="request"/> would travel over a socket (before any upgrade is tried).</summary>
    public bool Wants(CodexRequest request) =>
        request.PromptCacheKey is { Length: > 0 }
        && !Pool.FallbackActive
        && options.Transport switch
        {
            CodexTransportMode.Http => false,
            CodexTransportMode.WebSocket => true,
            _ => catalog.Current.Find(request.Model)?.PrefersWebsockets == true,
        };

    /// <summary>The turn's events over the conversation's socket with <paramref name="account"/>'s login, or null to
    /// send it over HTTPS. The account's usage windows learn the handshake's headers and the socket's
    /// <c>codex.rate_limits</c> events.</summary>
    public async Task<UpstreamAttempt?> TryOpenAsync(CodexRequest request, CodexAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!Wants(request))
        {
            return null;
        }

        var credential = await account.Credentials.GetAsync(cancellationToken);
        var accountKey = credential.AccountId ?? string.Empty;
        var poolKey = CodexWebSocketPool.Key(CodexTurnHeaders.ThreadIdOf(request), accountKey);
        var connection = Pool.Find(poolKey);
        if (connection is not null && connection.CredentialKey != CredentialKey(credential))
        {
            Pool.Remove(poolKey, connection);
            connection = null;
        }

        if (connection is not null && !connection.TryAcquire())
        {
            CodexWebSocketLog.ConcurrentTurn(logger);
            return null;
        }

        if (connection is null && !Pool.HasRoom())
        {
            CodexWebSocketLog.PoolFull(logger, Pool.Capacity);
            return null;
        }

        var turn = client.BeginTurn(request);
        var turnMetadata = CodexTurnHeaders.TurnMetadata(turn, state.InstallationId, request.Model, request.Reasoning?.Effort, request.ModelTraits);
        if (connection is null)
        {
            connection = await ConnectAsync(request, account, credential, turn, turnMetadata, cancellationToken);
            if (connection is null)
            {
                return null;
            }

            connection.TryAcquire();
            _ = Pool.TryAdd(poolKey, connection);
        }

        var context = new TurnContext(turn, turnMetadata, state.InstallationId, options.UpstreamIdleTimeout, time, [.. _rateLimitObservers, account.Usage]);
        var socketTurn = new CodexWebSocketTurn(connection, Pool, poolKey, request, context, logger);
        try
        {
            await socketTurn.SendAsync(cancellationToken);
        }
        catch
        {
            Pool.Remove(poolKey, connection);
            throw;
        }

        return UpstreamAttempt.FromEvents(socketTurn.Events(cancellationToken), gauges);
    }

    private async Task<CodexWebSocketConnection?> ConnectAsync(
        CodexRequest request, CodexAccount sender, CodexCredential credential, CodexTurn turn, string turnMetadata, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var account = credential.AccountId ?? string.Empty;
            var headers = CodexWebSocketHandshake.Headers(credential, turn, turnMetadata, request.Model, state.Cookies.CookieHeader(account));
            try
            {
                var socket = await CodexWebSocketHandshake.ConnectAsync(_uri, headers, _invoker, CodexWebSocketHandshake.ConnectTimeout, cancellationToken);
                using (var answer = CodexWebSocketHandshake.AnswerHeaders(socket))
                {
                    if (answer.Headers.TryGetValues("Set-Cookie", out var cookies))
                    {
                        state.Cookies.Store(account, cookies);
                    }

                    sender.Usage.OnResponseHeaders(answer.Headers);
                    foreach (var observer in headerObservers)
                    {
                        observer.OnResponseHeaders(answer.Headers);
                    }
                }

                return new CodexWebSocketConnection(socket, account, CredentialKey(credential), time.GetUtcNow());
            }
            catch (WebSocketUpgradeException e) when (e.Status == (int)HttpStatusCode.Unauthorized)
            {
                if (attempt > 0)
                {
                    throw new UpstreamHttpException(e.Status.Value, string.Empty, headers: null);
                }

                credential = await sender.Credentials.RecoverFromUnauthorizedAsync(credential, cancellationToken);
            }
            catch (WebSocketUpgradeException e)
            {
                Pool.FallBackToHttp();
                CodexWebSocketLog.FallingBack(logger, e.Message, (int)CodexWebSocketPool.FallbackFor.TotalMinutes);
                return null;
            }
        }
    }

    /// <summary>A short fingerprint of the access token: tells credentials apart without keeping the token twice.
    /// The last one is remembered, as hashing a kilobyte-long token was a visible share of a short turn.</summary>
    private string CredentialKey(CodexCredential credential)
    {
        if (_lastCredentialKey is { } last && string.Equals(last.AccessToken, credential.AccessToken, StringComparison.Ordinal))
        {
            return last.Key;
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential.AccessToken)), 0, 8);
        _lastCredentialKey = new RememberedCredentialKey(credential.AccessToken, key);
        return key;
    }

    private sealed record RememberedCredentialKey(string AccessToken, string Key);

    public void Dispose()
    {
        Pool.Dispose();
        _invoker.Dispose();
    }
}
