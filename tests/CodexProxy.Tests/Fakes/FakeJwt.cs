using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>Unsigned JWTs shaped like ChatGPT's access tokens (nobody verifies the signature).</summary>
internal static class FakeJwt
{
    public static string Create(string accountId, string planType, DateTimeOffset expiresAt)
    {
        using var payload = new MemoryStream();
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", "https://auth.openai.com");
            writer.WriteString("sub", "auth0|e2e-user");
            writer.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            writer.WriteStartObject("https://api.openai.com/auth");
            writer.WriteString("chatgpt_account_id", accountId);
            writer.WriteString("chatgpt_plan_type", planType);
            writer.WriteString("chatgpt_user_id", "user-e2e");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var header = Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);
        return $"{header}.{Base64Url.EncodeToString(payload.ToArray())}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes("unsigned"))}";
    }
}
