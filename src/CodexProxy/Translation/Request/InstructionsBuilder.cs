using System.Runtime.CompilerServices;
using CodexProxy.Anthropic;
using CodexProxy.IO;

namespace CodexProxy.Translation.Request;

/// <summary>
/// Anthropic <c>system</c> blocks → the Codex system prompt. The blocks stay the client's escaped bytes (Claude Code's
/// system prompt is tens of kilobytes, sent every turn): joining them copies bytes, and writing them upstream escapes
/// nothing.
/// </summary>
internal static class InstructionsBuilder
{
    /// <summary>The backend rejects empty instructions; this says nothing the model would not assume anyway.</summary>
    public const string Fallback = "You are a helpful assistant.";

    /// <summary>Claude Code's attribution line. Its hash changes per conversation, so keeping it would make the
    /// instructions differ between conversations and defeat prefix caching; it carries nothing for the model.</summary>
    public const string BillingHeaderPrefix = "x-anthropic-billing-header:";

    /// <summary>Shorter instructions cost less to join again than to remember.</summary>
    public const int RememberedFromBytes = 1024;

    private static readonly RawJsonString Separator = RawJsonString.Escaped("\n\n");

    /// <summary>By the identity of the parsed list: a client's repeated <c>system</c> is handed out again as the same
    /// list (see <c>RepeatedRequestParts</c>), so its instructions are joined once, not copied again every turn.
    /// Entries go with their lists.</summary>
    private static readonly ConditionalWeakTable<IReadOnlyList<ContentBlock>, RawJsonString> Joined = new();

    public static RawJsonString Build(IReadOnlyList<ContentBlock>? system)
    {
        if (system is null)
        {
            return Fallback;
        }

        if (Joined.TryGetValue(system, out var joined))
        {
            return joined;
        }

        var instructions = Join(system);
        if (instructions.Token.Length >= RememberedFromBytes)
        {
            Joined.AddOrUpdate(system, instructions);
        }

        return instructions;
    }

    private static RawJsonString Join(IReadOnlyList<ContentBlock> system)
    {
        var parts = new List<RawJsonString>(system.Count);
        for (var i = 0; i < system.Count; i++)
        {
            var block = system[i];
            if (block.Type != "text")
            {
                throw new InvalidRequestException($"system[{i}].type: only text blocks are allowed, not '{block.Type}'");
            }

            if (!RawJsonString.IsNullOrEmpty(block.Text) && !IsBillingHeader(block.Text))
            {
                parts.Add(block.Text);
            }
        }

        return parts.TrueForAll(part => part.IsWhiteSpace()) ? Fallback : RawJsonString.Join(Separator, parts);
    }

    /// <summary>Only a block that spells the prefix as it is gets decoded: JSON encoders write its ASCII letters
    /// unescaped, and a block that escapes them anyway only costs prompt caching.</summary>
    private static bool IsBillingHeader(RawJsonString text) =>
        (!text.IsRaw || text.Token.IndexOf("x-anthropic-billing-header:"u8) >= 0)
        && text.Decode().TrimStart().StartsWith(BillingHeaderPrefix, StringComparison.Ordinal);
}
