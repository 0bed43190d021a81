using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.IO;

namespace CodexProxy.Hosting;

/// <summary>
/// Parses a <c>/v1/messages</c> body, reusing the parsed <c>system</c> and <c>tools</c> of recent bodies that had the
/// same bytes there. Claude Code sends them unchanged on every turn of every session (tens of kilobytes of escaped
/// text, which the JSON reader checks byte by byte), and each subagent has its own. A value seen before is replaced by
/// <c>null</c> before the parse and the remembered one put back after it; the parsed values are immutable records.
/// A body whose parse fails is parsed again as it came, so that errors name the same positions.
/// </summary>
internal sealed class RepeatedRequestParts
{
    /// <summary>Smaller values cost less to parse than to look up.</summary>
    public const int MinimumValueBytes = 1024;

    private const int MaximumValueBytes = 1024 * 1024;

    /// <summary>Per member: the main thread and a few subagents, each with its own prompt and tools.</summary>
    private const int RememberedPerMember = 8;

    private static readonly byte[][] MemberNames = ["system"u8.ToArray(), "tools"u8.ToArray()];

    private readonly RememberedValues<IReadOnlyList<ContentBlock>> _system = new();
    private readonly RememberedValues<IReadOnlyList<ToolDefinition>> _tools = new();
    private long _reused;

    /// <summary>How many <c>system</c> and <c>tools</c> values were taken from earlier bodies, in all.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    public MessagesRequest? Deserialize(ReadOnlySpan<byte> body)
    {
        var located = body.Length < MinimumValueBytes ? null : TopLevelMembers.ValuesOf(body, MemberNames);
        var systemAt = Worth(located?[0]);
        var toolsAt = Worth(located?[1]);
        var system = systemAt is { } s ? _system.Find(body[s]) : null;
        var tools = toolsAt is { } t ? _tools.Find(body[t]) : null;
        var request = system is null && tools is null
            ? Parse(body)
            : ParseWithout(body, system is null ? null : systemAt, tools is null ? null : toolsAt);
        if (request is null)
        {
            return null;
        }

        if (system is null && systemAt is { } systemRange && request.System is { } parsedSystem)
        {
            _system.Remember(body[systemRange], parsedSystem);
        }

        if (tools is null && toolsAt is { } toolsRange && request.Tools is { } parsedTools)
        {
            _tools.Remember(body[toolsRange], parsedTools);
        }

        if (system is null && tools is null)
        {
            return request;
        }

        Interlocked.Add(ref _reused, (system is null ? 0 : 1) + (tools is null ? 0 : 1));
        return request with { System = system ?? request.System, Tools = tools ?? request.Tools };
    }

    /// <summary>A value large enough to be worth remembering.</summary>
    private static Range? Worth(Range? value) =>
        value is { } range && range.End.Value - range.Start.Value is >= MinimumValueBytes and <= MaximumValueBytes ? range : null;

    private static MessagesRequest? Parse(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.MessagesRequest);

    /// <summary>Parses <paramref name="body"/> with the given values (in body order or not) replaced by <c>null</c>.</summary>
    private static MessagesRequest? ParseWithout(ReadOnlySpan<byte> body, Range? first, Range? second)
    {
        Range[] elided = [.. new[] { first, second }.OfType<Range>().OrderBy(range => range.Start.Value)];
        var buffer = BodyBufferPool.Instance.Rent(body.Length);
        try
        {
            var length = 0;
            var from = 0;
            foreach (var range in elided)
            {
                body[from..range.Start.Value].CopyTo(buffer.AsSpan(length));
                length += range.Start.Value - from;
                "null"u8.CopyTo(buffer.AsSpan(length));
                length += 4;
                from = range.End.Value;
            }

            body[from..].CopyTo(buffer.AsSpan(length));
            length += body.Length - from;
            try
            {
                return Parse(buffer.AsSpan(0, length));
            }
            catch (JsonException)
            {
                return Parse(body); // the same failure, at the positions the client's body has
            }
        }
        finally
        {
            BodyBufferPool.Instance.Return(buffer);
        }
    }

    /// <summary>The recent values of one top-level member, by their exact bytes, most recently used first.</summary>
    private sealed class RememberedValues<T>
        where T : class
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<(byte[] Bytes, T Parsed)> _recent = new();

        public T? Find(ReadOnlySpan<byte> value)
        {
            lock (_lock)
            {
                for (var node = _recent.First; node is not null; node = node.Next)
                {
                    if (value.SequenceEqual(node.Value.Bytes))
                    {
                        _recent.Remove(node);
                        _recent.AddFirst(node);
                        return node.Value.Parsed;
                    }
                }
            }

            return null;
        }

        public void Remember(ReadOnlySpan<byte> value, T parsed)
        {
            if (Find(value) is not null)
            {
                return; // another request with the same value got here first
            }

            var bytes = value.ToArray();
            lock (_lock)
            {
                _recent.AddFirst((bytes, parsed));
                while (_recent.Count > RememberedPerMember)
                {
                    _recent.RemoveLast();
                }
            }
        }
    }
}
