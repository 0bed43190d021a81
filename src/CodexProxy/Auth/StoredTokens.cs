using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodexProxy.Auth;

/// <summary>
/// <c>tokens.json</c>: the same file the earlier TypeScript version wrote, so its users keep their login.
/// Unknown keys are kept on rewrite.
/// </summary>
internal sealed record StoredTokens
{
    [JsonPropertyName("access_token")] public required string AccessToken { get; init; }

    [JsonPropertyName("refresh_token")] public required string RefreshToken { get; init; }

    [JsonPropertyName("id_token")] public string? IdToken { get; init; }

    /// <summary>Unix epoch milliseconds.</summary>
    [JsonPropertyName("expires_at")] public long ExpiresAt { get; init; }

    [JsonPropertyName("chatgpt_account_id")] public string? ChatGptAccountId { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>The stored account id, else the one in the access token's (or id token's) claims.</summary>
    public string? ResolveAccountId() =>
        ChatGptAccountId
        ?? JwtClaims.TryRead(AccessToken)?.ChatGptAccountId
        ?? (IdToken is null ? null : JwtClaims.TryRead(IdToken)?.ChatGptAccountId);
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredTokens))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
