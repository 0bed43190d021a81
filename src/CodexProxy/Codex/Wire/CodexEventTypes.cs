using System.Text;
using System.Text.Json;

namespace CodexProxy.Codex.Wire;

/// <summary>A fixed set of upstream event types, kept with their UTF-8 bytes: a reader compares those in place,
/// where comparing a string transcodes it every time.</summary>
internal sealed class CodexEventTypes
{
    public static readonly CodexEventTypes None = new();

    private readonly string[] _names;
    private readonly byte[][] _utf8;

    public CodexEventTypes(params string[] names)
    {
        _names = names;
        _utf8 = Array.ConvertAll(names, Encoding.UTF8.GetBytes);
    }

    /// <summary>The type in the set that the string token at <paramref name="reader"/> spells, else null.</summary>
    public string? Find(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8[i]))
            {
                return _names[i];
            }
        }

        return null;
    }
}
