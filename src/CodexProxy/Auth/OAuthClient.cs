using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CodexProxy.Auth;

/// <summary>The HTTP calls to the OAuth server: code exchange, refresh, device code, revoke, as the Codex CLI makes them (https://github.com/openai/codex/tree/main/codex-rs/login). Error messages carry only the RFC 6749 fields, never tokens.</summary>
internal sealed class OAuthClient(HttpClient http, AuthEndpoints endpoints)
{
    // invalid_grant is RFC 6749's word for a refresh token that is expired, revoked or unknown: only a new login helps.
    private static readonly string[] PermanentRefreshErrors = ["refresh_token_expired", "refresh_token_reused", "refresh_token_invalidated", "invalid_grant"];

    public AuthEndpoints Endpoints => endpoints;

    /// <summary>A client for the auth server: bounded time, no redirects, no cookies.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AllowAutoRedirect = false,
        UseCookies = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Authorization-code exchange: form-encoded, with the exact redirect_uri used to obtain the code.</summary>
    public async Task<TokenEndpointResponse> ExchangeCodeAsync(string code, string redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = AuthEndpoints.ClientId,
            ["code_verifier"] = codeVerifier,
        });
        using var response = await SendAsync(endpoints.Token, content, "exchange the login code", cancellationToken);
        return await ReadAsync(response, AuthJsonContext.Default.TokenEndpointResponse, "exchange the login code", cancellationToken);
    }

    /// <summary>Refresh as the official CLI does (JSON). Refresh tokens rotate: persist the answer before using it.</summary>
    public async Task<TokenEndpointResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var body = new RefreshTokenRequest { ClientId = AuthEndpoints.ClientId, RefreshToken = refreshToken };
        using var content = JsonContent.Create(body, AuthJsonContext.Default.RefreshTokenRequest);
        using var response = await SendAsync(endpoints.Token, content, "refresh the ChatGPT login", cancellationToken);
        return await ReadAsync(response, AuthJsonContext.Default.TokenEndpointResponse, "refresh the ChatGPT login", cancellationToken);
    }

    public async Task<DeviceUserCodeResponse> RequestDeviceCodeAsync(CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(new DeviceUserCodeRequest { ClientId = AuthEndpoints.ClientId }, AuthJsonContext.Default.DeviceUserCodeRequest);
        using var response = await SendAsync(endpoints.DeviceUserCode, content, "start the device login", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OAuthException("Device login is not enabled for this server. Use `login` (browser) instead.", permanent: true);
        }

        return await ReadAsync(response, AuthJsonContext.Default.DeviceUserCodeResponse, "start the device login", cancellationToken);
    }

    /// <summary>One poll of the device flow: null while the user has not finished (403/404).</summary>
    public async Task<DeviceTokenResponse?> PollDeviceTokenAsync(string deviceAuthId, string userCode, CancellationToken cancellationToken)
    {
        var body = new DeviceTokenRequest { DeviceAuthId = deviceAuthId, UserCode = userCode };
        using var content = JsonContent.Create(body, AuthJsonContext.Default.DeviceTokenRequest);
        using var response = await SendAsync(endpoints.DeviceToken, content, "poll the device login", cancellationToken);
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync(response, AuthJsonContext.Default.DeviceTokenResponse, "poll the device login", cancellationToken);
    }

    /// <summary>Best effort: false when the server could not be reached or refused.</summary>
    public async Task<bool> RevokeAsync(StoredTokens tokens, CancellationToken cancellationToken)
    {
        var body = tokens.RefreshToken is { Length: > 0 } refresh
            ? new RevokeTokenRequest { Token = refresh, TokenTypeHint = "refresh_token", ClientId = AuthEndpoints.ClientId }
            : new RevokeTokenRequest { Token = tokens.AccessToken, TokenTypeHint = "access_token" };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var content = JsonContent.Create(body, AuthJsonContext.Default.RevokeTokenRequest);
            using var response = await http.PostAsync(endpoints.Revoke, content, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, HttpContent content, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await http.PostAsync(uri, content, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new OAuthException($"Could not reach {endpoints.BaseUrl} to {what}: {e.Message}", permanent: false, inner: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OAuthException($"Timed out talking to {endpoints.BaseUrl} to {what}.", permanent: false, inner: e);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, string what, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw FromErrorBody((int)response.StatusCode, body, what);
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo)
                ?? throw new OAuthException($"Could not {what}: the server sent an empty answer.", permanent: false);
        }
        catch (JsonException e)
        {
            throw new OAuthException($"Could not {what}: the server's answer was not valid JSON.", permanent: false, inner: e);
        }
    }

    /// <summary>Classifies a failure like the official CLI (https://github.com/openai/codex/tree/main/codex-rs/login): the three refresh_token_* codes and any 401 are permanent.</summary>
    internal static OAuthException FromErrorBody(int status, byte[] body, string what)
    {
        var (code, description) = ParseError(body);
        var permanent = status == 401 || (code is not null && PermanentRefreshErrors.Contains(code));
        var detail = (code, description) switch
        {
            ({ } c, { } d) => $"{c}: {d}",
            ({ } c, null) => c,
            (null, { } d) => d,
            _ => $"HTTP {status}",
        };
        return new OAuthException($"Could not {what} ({detail}).", permanent, code);
    }

    private static (string? Code, string? Description) ParseError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? code = null;
            var description = GetString(root, "error_description");
            if (root.TryGetProperty("error", out var error))
            {
                code = error.ValueKind == JsonValueKind.String ? error.GetString() : GetString(error, "code");
                description ??= GetString(error, "message");
            }

            return (code ?? GetString(root, "code"), description ?? GetString(root, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
