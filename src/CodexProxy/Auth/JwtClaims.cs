using System.Buffers.Text;
using System.Text.Json;

namespace CodexProxy.Auth;

/// <summary>The few claims we read from ChatGPT's JWTs. Signatures are not checked: we only inspect our own tokens.</summary>
internal sealed record JwtClaims(string? ChatGptAccountId, string? PlanType, string? Email, DateTimeOffset? ExpiresAt)
{
    private const string AuthClaim = "https://api.openai.com/auth";
    private const string ProfileClaim = "https://api.openai.com/profile";

    public static JwtClaims? TryRead(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var auth = root.TryGetProperty(AuthClaim, out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
            return new JwtClaims(
                ChatGptAccountId: GetString(auth, "chatgpt_account_id"),
                PlanType: GetString(auth, "chatgpt_plan_type"),
                Email: GetString(root, "email")
                    ?? (root.TryGetProperty(ProfileClaim, out var profile) ? GetString(profile, "email") : null),
                ExpiresAt: root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
