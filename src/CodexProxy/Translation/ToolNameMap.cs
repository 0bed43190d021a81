using System.Security.Cryptography;
using System.Text;

namespace CodexProxy.Translation;

/// <summary>
/// Codex limits function names to 64 characters; Claude Code's MCP tools can be longer. Long names are
/// shortened reversibly (a readable tail plus a hash) and mapped back on the way out.
/// </summary>
internal sealed class ToolNameMap
{
    public const int MaxCodexNameLength = 64;

    public static readonly ToolNameMap Empty = new([]);

    private readonly Dictionary<string, string> _toCodex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _toAnthropic = new(StringComparer.Ordinal);

    public ToolNameMap(IEnumerable<string> anthropicNames)
    {
        foreach (var name in anthropicNames)
        {
            if (name.Length <= MaxCodexNameLength || _toCodex.ContainsKey(name))
            {
                continue;
            }

            var shortName = Shorten(name);
            _toCodex[name] = shortName;
            _toAnthropic[shortName] = name;
        }
    }

    public string ToCodex(string anthropicName) => _toCodex.GetValueOrDefault(anthropicName, anthropicName);

    public string ToAnthropic(string codexName) => _toAnthropic.GetValueOrDefault(codexName, codexName);

    /// <summary>Deterministic, so the same tool list gives the same bytes every turn (prompt caching).</summary>
    private static string Shorten(string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        var keep = MaxCodexNameLength - hash.Length - 1;
        return $"{name[^keep..]}_{hash}";
    }
}
