using System.Text.Json;

namespace CodexProxy.Anthropic;

/// <summary>
/// A JSON error inside a content block. <see cref="ContentListConverter"/> reads blocks one by one, so the
/// serializer's own path stops at the list; this carries the rest (<c>[2].source.data</c>) so the 400 names it all.
/// </summary>
internal sealed class ContentBlockJsonException(string relativePath, JsonException innermost)
    : JsonException(innermost.Message, innermost.InnerException)
{
    public string RelativePath { get; } = relativePath;

    public JsonException Innermost { get; } = innermost;

    public static ContentBlockJsonException Wrap(int index, JsonException error)
    {
        // error.Path is where, inside block [index], the failure happened ("$.text", or "$.content" for a nested list).
        var inBlock = error.Path is { Length: > 1 } path ? path[1..] : string.Empty;
        return error is ContentBlockJsonException nested
            ? new ContentBlockJsonException($"[{index}]{inBlock}{nested.RelativePath}", nested.Innermost)
            : new ContentBlockJsonException($"[{index}]{inBlock}", error);
    }
}
