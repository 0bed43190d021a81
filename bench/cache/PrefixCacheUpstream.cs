using System.Text.Json;
using CodexProxy.Codex;
using Microsoft.ML.Tokenizers;
using CodexProxy.Auth;
using CodexProxy.Codex.Wire;

namespace CodexProxy.CacheBench;

/// <summary>
/// A fake Codex backend that models prefix caching: per <c>prompt_cache_key</c> it remembers the last prompt, and a
/// new prompt's cached tokens are the longest common prefix with it, rounded down to whole 128-token blocks.
/// The prompt is rendered in the order the model reads it — instructions, tool definitions, then the input items —
/// each as the exact JSON bytes the proxy sends.
/// Not an HTTP fake (nothing listens): a scoring model called in-process, so it has nothing to share with the tests'
/// FakeCodexUpstream.
/// </summary>
internal sealed class PrefixCacheUpstream
{
    public const int BlockTokens = 128;

    private static readonly Tokenizer O200k = TiktokenTokenizer.CreateForEncoding("o200k_base");

    private readonly Dictionary<string, int[]> _lastPromptByKey = new(StringComparer.Ordinal);

    public (int InputTokens, int CachedTokens) Send(CodexRequest request)
    {
        var prompt = Render(request);
        var key = request.PromptCacheKey ?? string.Empty;
        var cached = 0;
        if (_lastPromptByKey.TryGetValue(key, out var previous))
        {
            var common = prompt.AsSpan().CommonPrefixLength(previous);
            cached = common / BlockTokens * BlockTokens;
        }

        _lastPromptByKey[key] = prompt;
        return (prompt.Length, cached);
    }

    private static int[] Render(CodexRequest request)
    {
        var ids = new List<int>(O200k.EncodeToIds(request.Instructions));
        foreach (var tool in request.Tools)
        {
            ids.AddRange(O200k.EncodeToIds(JsonSerializer.Serialize(tool, CodexJsonContext.Default.CodexTool)));
        }

        foreach (var item in request.Input)
        {
            ids.AddRange(O200k.EncodeToIds(JsonSerializer.Serialize(item, CodexJsonContext.Default.CodexInputItem)));
        }

        return [.. ids];
    }
}
