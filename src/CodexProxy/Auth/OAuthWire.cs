using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Auth;

/// <summary>Answer of <c>/oauth/token</c> (code exchange and refresh); every field optional on refresh.</summary>
internal sealed record TokenEndpointResponse
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; init; }

    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; init; }

    [JsonPropertyName("id_token")] public string? IdToken { get; init; }

    [JsonPropertyName("expires_in")] public long? ExpiresIn { get; init; }
}

internal sealed record RefreshTokenRequest
{
    [JsonPropertyName("client_id")] public required string ClientId { get; init; }

    [JsonPropertyName("grant_type")] public string GrantType { get; init; } = "refresh_token";

    [JsonPropertyName("refresh_token")] public required string RefreshToken { get; init; }
}

internal sealed record RevokeTokenRequest
{
    [JsonPropertyName("token")] public required string Token { get; init; }

    [JsonPropertyName("token_type_hint")] public required string TokenTypeHint { get; init; }

    [JsonPropertyName("client_id")] public string? ClientId { get; init; }
}

internal sealed record DeviceUserCodeRequest
{
    [JsonPropertyName("client_id")] public required string ClientId { get; init; }
}

/// <summary>Answer of <c>deviceauth/usercode</c>; <c>interval</c> is a string of seconds.</summary>
internal sealed record DeviceUserCodeResponse
{
    [JsonPropertyName("device_auth_id")] public string? DeviceAuthId { get; init; }

    [JsonPropertyName("user_code")] public string? UserCode { get; init; }

    [JsonPropertyName("usercode")] public string? UserCodeAlias { get; init; }

    [JsonPropertyName("interval")] public JsonElement Interval { get; init; }
}

internal sealed record DeviceTokenRequest
{
    [JsonPropertyName("device_auth_id")] public required string DeviceAuthId { get; init; }

    [JsonPropertyName("user_code")] public required string UserCode { get; init; }
}

/// <summary>The server generated the PKCE pair for the device flow and hands it back with the code.</summary>
internal sealed record DeviceTokenResponse
{
    [JsonPropertyName("authorization_code")] public string? AuthorizationCode { get; init; }

    [JsonPropertyName("code_challenge")] public string? CodeChallenge { get; init; }

    [JsonPropertyName("code_verifier")] public string? CodeVerifier { get; init; }
}
