namespace CodexProxy.Translation;

/// <summary>
/// A Codex reasoning item travels through Claude Code as the <c>signature</c> of a thinking block.
/// Format: <c>cxp1.{item id}.{encrypted_content}</c>. The version prefix tells our own signatures from
/// foreign ones (real Claude signatures, empty ones) and leaves room for a later format.
/// </summary>
internal static class ThinkingSignature
{
    public const string Prefix = "cxp1.";

    public static string Encode(string itemId, string encryptedContent) => $"{Prefix}{itemId}.{encryptedContent}";

    /// <summary>False for empty, foreign or malformed signatures, which are dropped.</summary>
    public static bool TryDecode(string? signature, out string itemId, out string encryptedContent)
    {
        itemId = string.Empty;
        encryptedContent = string.Empty;
        if (string.IsNullOrEmpty(signature) || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = signature.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || dot == rest.Length - 1)
        {
            return false;
        }

        itemId = rest[..dot].ToString();
        encryptedContent = rest[(dot + 1)..].ToString();
        return true;
    }
}
