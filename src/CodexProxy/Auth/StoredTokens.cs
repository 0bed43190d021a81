using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Auth;

/// <summary>
/// <c>tokens.json</c>: the same file the earlier TypeScript version wrote, so its users keep their login.
/// Unknown keys are kept on rewrite.
/// </summary>
internal sealed record StoredTokens
{
    /// <summary>Value of <see cref="Source"/> when the login was imported from the Codex CLI's auth.json.</summary>
    public const string CodexCliSource = "codex_cli";

    [JsonPropertyName("access_token")] public required string AccessToken { get; init; }

    [JsonPropertyName("refresh_token")] public required string RefreshToken { get; init; }

    [JsonPropertyName("id_token")] public string? IdToken { get; init; }

    /// <summary>Unix epoch milliseconds.</summary>
    [JsonPropertyName("expires_at")] public long ExpiresAt { get; init; }

    [JsonPropertyName("chatgpt_account_id")] public string? ChatGptAccountId { get; init; }

    [JsonPropertyName("last_refresh")] public DateTimeOffset? LastRefresh { get; init; }

    /// <summary><see cref="CodexCliSource"/> when refreshed tokens must also be written back to <c>~/.codex/auth.json</c>.</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }

    // Settable, not init: System.Text.Json cannot bind extension data through the init-only constructor path.
    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    [JsonIgnore] public bool IsFromCodexCli => Source == CodexCliSource;

    /// <summary>The stored account id, else the one in the access token's (or id token's) claims.</summary>
    public string? ResolveAccountId() =>
        ChatGptAccountId
        ?? JwtClaims.TryRead(AccessToken)?.ChatGptAccountId
        ?? (IdToken is null ? null : JwtClaims.TryRead(IdToken)?.ChatGptAccountId);

    /// <summary>The access token's JWT <c>exp</c>, else <c>expires_at</c>; null when neither is known.</summary>
    public DateTimeOffset? ResolveExpiry() =>
        JwtClaims.TryRead(AccessToken)?.ExpiresAt
        ?? (ExpiresAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt) : null);

    /// <summary>Email and plan come from the id token (falling back to the access token).</summary>
    public JwtClaims? ReadIdentity()
    {
        var fromId = IdToken is null ? null : JwtClaims.TryRead(IdToken);
        var fromAccess = JwtClaims.TryRead(AccessToken);
        return fromId is null ? fromAccess
            : fromAccess is null ? fromId
            : fromId with
            {
                Email = fromId.Email ?? fromAccess.Email,
                PlanType = fromId.PlanType ?? fromAccess.PlanType,
                ChatGptAccountId = fromId.ChatGptAccountId ?? fromAccess.ChatGptAccountId,
            };
    }

    /// <summary>Builds the stored form of a token-endpoint answer; missing fields keep <paramref name="previous"/>'s.</summary>
    public static StoredTokens FromResponse(TokenEndpointResponse response, StoredTokens? previous, DateTimeOffset now, string? source)
    {
        var accessToken = response.AccessToken ?? previous?.AccessToken
            ?? throw new OAuthException("The token endpoint answered without an access_token.", permanent: false);
        var refreshToken = response.RefreshToken ?? previous?.RefreshToken
            ?? throw new OAuthException("The token endpoint answered without a refresh_token.", permanent: false);
        var idToken = response.IdToken ?? previous?.IdToken;
        var expiry = JwtClaims.TryRead(accessToken)?.ExpiresAt
            ?? (response.ExpiresIn is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null);
        var tokens = new StoredTokens
        {
            AccessToken = accessToken,
            RefreshToken = refreshToken,
            IdToken = idToken,
            ExpiresAt = expiry?.ToUnixTimeMilliseconds() ?? 0,
            LastRefresh = now,
            Source = source,
            AdditionalProperties = previous?.AdditionalProperties,
        };
        return tokens with { ChatGptAccountId = tokens.ResolveIdentityAccountId() ?? previous?.ChatGptAccountId };
    }

    private string? ResolveIdentityAccountId() =>
        (IdToken is null ? null : JwtClaims.TryRead(IdToken)?.ChatGptAccountId) ?? JwtClaims.TryRead(AccessToken)?.ChatGptAccountId;
}
