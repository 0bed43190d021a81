using System.Collections;
using System.Text.Json;
using CodexProxy.IO;

namespace CodexProxy.Codex.Wire;

/// <summary>
/// Input items together with their bytes as a context writes them (<see cref="CodexJsonContext.Wire"/> for what is
/// sent), each item serialised once. A socket turn fingerprints every item's bytes and then sends them (all, or the
/// new ones); serialising a multi-megabyte history twice per turn was the larger part of its cost.
/// <see cref="InputItemsConverter"/> writes the held bytes when it writes with the same context.
/// The bytes live in one pooled buffer until <see cref="Dispose"/>; the items stay readable after it, and a frame
/// written then serialises them again.
/// </summary>
internal sealed class RenderedInputItems : IReadOnlyList<CodexInputItem>, IDisposable
{
    private readonly IReadOnlyList<CodexInputItem> _items;
    private readonly CodexJsonContext _context;
    private readonly Rendering _rendering;
    private readonly int _from;

    private RenderedInputItems(IReadOnlyList<CodexInputItem> items, CodexJsonContext context, Rendering rendering, int from)
    {
        _items = items;
        _context = context;
        _rendering = rendering;
        _from = from;
    }

    public int Count => _items.Count - _from;

    /// <summary>False once the bytes were given back.</summary>
    public bool IsRendered => !_rendering.Released;

    public CodexInputItem this[int index] => _items[_from + index];

    /// <param name="sizeHint">About how many bytes the items take (the client's body size), so the buffer does not
    /// double its way up.</param>
    /// <param name="context">How the items are spelled; the wire's when null.</param>
    public static RenderedInputItems Render(IReadOnlyList<CodexInputItem> items, int sizeHint, CodexJsonContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        context ??= CodexJsonContext.Wire;
        var buffer = new PooledBufferWriter(BodyBufferPool.Instance, sizeHint);
        try
        {
            var ends = new int[items.Count];
            using var writer = new Utf8JsonWriter(buffer, CodexJsonContext.WriterOptionsOf(context) with { SkipValidation = true });
            for (var i = 0; i < items.Count; i++)
            {
                JsonSerializer.Serialize(writer, items[i], context.CodexInputItem);
                writer.Flush();
                writer.Reset();
                ends[i] = buffer.WrittenSpan.Length;
            }

            return new RenderedInputItems(items, context, new Rendering(buffer, ends), 0);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of item <paramref name="index"/>, exactly as they appear inside a request body.</summary>
    public ReadOnlySpan<byte> BytesOf(int index)
    {
        ObjectDisposedException.ThrowIf(_rendering.Released, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count);
        var at = _from + index;
        var start = at == 0 ? 0 : _rendering.Ends[at - 1];
        return _rendering.Buffer.WrittenSpan[start.._rendering.Ends[at]];
    }

    /// <summary>The items after the first <paramref name="count"/>, sharing these bytes.</summary>
    public RenderedInputItems Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Count);
        return new RenderedInputItems(_items, _context, _rendering, _from + count);
    }

    /// <summary>Writes the items as a JSON array of the held bytes; false (nothing written) when the bytes are gone or
    /// <paramref name="options"/> would spell the items otherwise.</summary>
    public bool TryWriteTo(Utf8JsonWriter writer, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_rendering.Released || !ReferenceEquals(options, _context.Options))
        {
            return false;
        }

        writer.WriteStartArray();
        for (var i = 0; i < Count; i++)
        {
            writer.WriteRawValue(BytesOf(i), skipInputValidation: true);
        }

        writer.WriteEndArray();
        return true;
    }

    /// <summary>Gives the bytes back, for this list and every list skipped from it.</summary>
    public void Dispose() => _rendering.Release();

    public IEnumerator<CodexInputItem> GetEnumerator()
    {
        for (var i = _from; i < _items.Count; i++)
        {
            yield return _items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The buffer and where each item ends in it, shared by a list and its skipped views.</summary>
    private sealed class Rendering(PooledBufferWriter buffer, int[] ends)
    {
        public PooledBufferWriter Buffer => buffer;

        public int[] Ends => ends;

        public bool Released { get; private set; }

        public void Release()
        {
            Released = true;
            buffer.Dispose();
        }
    }
}
