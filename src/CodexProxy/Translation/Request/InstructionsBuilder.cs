using CodexProxy.Anthropic;

namespace CodexProxy.Translation.Request;

/// <summary>Anthropic <c>system</c> blocks → Codex <c>instructions</c>.</summary>
internal static class InstructionsBuilder
{
    /// <summary>The backend rejects empty instructions; this says nothing the model would not assume anyway.</summary>
    public const string Fallback = "You are a helpful assistant.";

    /// <summary>Claude Code's attribution line. Its hash changes per conversation, so keeping it would make the
    /// instructions differ between conversations and defeat prefix caching; it carries nothing for the model.</summary>
    public const string BillingHeaderPrefix = "x-anthropic-billing-header:";

    public static string Build(IReadOnlyList<ContentBlock>? system)
    {
        if (system is null)
        {
            return Fallback;
        }

        var parts = new List<string>(system.Count);
        for (var i = 0; i < system.Count; i++)
        {
            var block = system[i];
            if (block.Type != "text")
            {
                throw new InvalidRequestException($"system[{i}].type: only text blocks are allowed, not '{block.Type}'");
            }

            var text = block.Text?.Decode();
            if (string.IsNullOrEmpty(text) || text.TrimStart().StartsWith(BillingHeaderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            parts.Add(text);
        }

        var joined = string.Join("\n\n", parts);
        return string.IsNullOrWhiteSpace(joined) ? Fallback : joined;
    }
}
