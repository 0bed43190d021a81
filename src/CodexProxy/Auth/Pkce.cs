using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CodexProxy.Auth;

/// <summary>An RFC 7636 S256 verifier/challenge pair plus a <c>state</c> value, all fresh per login.</summary>
internal sealed record Pkce(string Verifier, string Challenge, string State)
{
    public static Pkce Create()
    {
        // 64 random bytes like the official CLI: an 86-character verifier, inside RFC 7636's 43..128.
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(64));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, challenge, state);
    }
}
