using System.IO.Hashing;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.IO;

namespace CodexProxy.Hosting;

/// <summary>
/// Parses <c>/v1/messages</c> bodies, reusing the parsed messages of a recent body that this one repeats. Claude Code
/// re-sends the whole conversation every turn, byte for byte, with a few messages added at the end: a 3.5 MB history
/// cost about 7 CPU-ms to parse again each turn. A body that starts with the same bytes as a remembered one, up to the
/// end of some of its messages, is parsed from there on only: the remembered messages are taken as they are (parsed
/// messages are immutable records), and the rest of the body (new messages, system, tools, settings) is parsed after
/// the same header. The result is the one a full parse gives; anything unusual (a trailing comma, a failure in the
/// new part) is parsed in full, so errors name the same JSON paths. A record unused for <see cref="IdleExpiry"/> is
/// dropped at the next parse, so an idle proxy does not keep yesterday's conversations. Whatever is parsed goes
/// through <see cref="RepeatedRequestParts"/>, which reuses a <c>system</c> prompt and <c>tools</c> seen before.
/// </summary>
internal sealed class MessageHistoryParser(TimeProvider time)
{
    /// <summary>Smaller bodies are parsed in full: remembering them would cost more than it saves.</summary>
    public const int MinimumBodyBytes = 64 * 1024;

    /// <summary>Claude Code sends <c>model</c> first and <c>messages</c> second; other clients may put the system prompt
    /// and tools before them, which are then compared as part of the header.</summary>
    private const int MaxHeaderBytes = 256 * 1024;

    /// <summary>A session and a few subagents; each record holds about its body's size of parsed text.</summary>
    private const int MaxRecords = 8;

    private const long MaxRecordedBodyBytes = 32L * 1024 * 1024;

    /// <summary>Longer than a user thinks between two turns; shorter than a break.</summary>
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromMinutes(15);

    private readonly RepeatedRequestParts _parts = new();
    private readonly Lock _lock = new();
    private readonly LinkedList<(ParsedBody Record, long LastUsed)> _recent = new();
    private long _recordedBodyBytes;
    private long _repeatedMessages;

    /// <summary>How many messages were taken from remembered bodies instead of being parsed again, in all.</summary>
    public long RepeatedMessages => Interlocked.Read(ref _repeatedMessages);

    public MessagesRequest? Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length < MinimumBodyBytes)
        {
            return Deserialize(body);
        }

        if (FindLongestRepeat(body) is ({ } known, var repeated) && TryParseAfter(body, known, repeated) is var (request, record))
        {
            Remember(record, replacing: known);
            Interlocked.Add(ref _repeatedMessages, repeated);
            return request;
        }

        var parsed = Deserialize(body);
        if (parsed?.Messages is { } messages && ParsedBody.Of(body, messages) is { } parsedBody)
        {
            Remember(parsedBody, replacing: null);
        }

        return parsed;
    }

    private MessagesRequest? Deserialize(ReadOnlySpan<byte> body) => _parts.Deserialize(body);

    /// <summary>The remembered body this one repeats the most messages of, and how many.</summary>
    private (ParsedBody? Known, int Repeated) FindLongestRepeat(ReadOnlySpan<byte> body)
    {
        ParsedBody[] candidates;
        lock (_lock)
        {
            DropIdleRecords();
            candidates = [.. _recent.Select(entry => entry.Record)];
        }

        (ParsedBody? Known, int Repeated) best = (null, 0);
        foreach (var candidate in candidates)
        {
            var repeated = candidate.CountRepeated(body);
            if (repeated > best.Repeated)
            {
                best = (candidate, repeated);
            }
        }

        return best;
    }

    /// <summary>Parses the header and everything after the first <paramref name="repeated"/> messages, then puts the
    /// remembered messages in front; null when that is not the same as a full parse could give.</summary>
    private (MessagesRequest Request, ParsedBody Record)? TryParseAfter(ReadOnlySpan<byte> body, ParsedBody known, int repeated)
    {
        if (RestStart(body, known.MessageEnds[repeated - 1]) is not { } restStart)
        {
            return null;
        }

        var header = known.Header;
        var length = header.Length + body.Length - restStart;
        var spliced = BodyBufferPool.Instance.Rent(length);
        try
        {
            header.CopyTo(spliced, 0);
            body[restStart..].CopyTo(spliced.AsSpan(header.Length));
            var rest = spliced.AsSpan(0, length);
            var request = Deserialize(rest);
            if (request?.Messages is not { } newMessages || MessageLayout.Of(rest) is not { } layout
                || layout.ArrayContentStart != header.Length || layout.MessageEnds.Length != newMessages.Count)
            {
                return null;
            }

            List<InputMessage> messages = [.. known.Messages.Take(repeated), .. newMessages];
            var ends = new int[repeated + layout.MessageEnds.Length];
            known.MessageEnds.AsSpan(0, repeated).CopyTo(ends);
            for (var i = 0; i < layout.MessageEnds.Length; i++)
            {
                ends[repeated + i] = layout.MessageEnds[i] - header.Length + restStart;
            }

            var record = known.Extended(body, repeated, ends, messages);
            return (request with { Messages = messages }, record);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The full parse reports it with the right JSON path.
            return null;
        }
        finally
        {
            BodyBufferPool.Instance.Return(spliced);
        }
    }

    /// <summary>Where the rest of the array starts after a repeated message ending at <paramref name="end"/>: after
    /// its comma, or at the closing bracket. Null for a trailing comma or anything else, which a full parse judges.</summary>
    private static int? RestStart(ReadOnlySpan<byte> body, int end)
    {
        var next = TopLevelMembers.SkipWhitespace(body, end);
        if (next < body.Length && body[next] == (byte)']')
        {
            return next;
        }

        if (next >= body.Length || body[next] != (byte)',')
        {
            return null;
        }

        var afterComma = TopLevelMembers.SkipWhitespace(body, next + 1);
        return afterComma < body.Length && body[afterComma] != (byte)']' ? next + 1 : null;
    }

    private void Remember(ParsedBody record, ParsedBody? replacing)
    {
        lock (_lock)
        {
            for (var node = _recent.First; node is not null && replacing is not null; node = node.Next)
            {
                if (ReferenceEquals(node.Value.Record, replacing))
                {
                    _recent.Remove(node);
                    _recordedBodyBytes -= replacing.BodyLength;
                    break;
                }
            }

            _recent.AddFirst((record, time.GetTimestamp()));
            _recordedBodyBytes += record.BodyLength;
            while (_recent.Count > MaxRecords || (_recent.Count > 1 && _recordedBodyBytes > MaxRecordedBodyBytes))
            {
                RemoveLast();
            }
        }
    }

    /// <summary>Records are kept most recently used first, so the idle ones are at the end.</summary>
    private void DropIdleRecords()
    {
        while (_recent.Last is { } last && time.GetElapsedTime(last.Value.LastUsed) > IdleExpiry)
        {
            RemoveLast();
        }
    }

    private void RemoveLast()
    {
        _recordedBodyBytes -= _recent.Last!.Value.Record.BodyLength;
        _recent.RemoveLast();
    }

    /// <summary>What is remembered of a parsed body: its bytes up to the messages array, and for each message where it
    /// ends, a hash of its bytes (with the separator before it), and its parsed form.</summary>
    private sealed record ParsedBody(byte[] Header, int[] MessageEnds, UInt128[] Hashes, IReadOnlyList<InputMessage> Messages, int BodyLength)
    {
        public static ParsedBody? Of(ReadOnlySpan<byte> body, IReadOnlyList<InputMessage> messages) =>
            MessageLayout.Of(body) is { } layout && layout.ArrayContentStart <= MaxHeaderBytes
                && layout.MessageEnds.Length == messages.Count && messages.Count > 0
                ? new ParsedBody(body[..layout.ArrayContentStart].ToArray(), layout.MessageEnds, [], messages, body.Length)
                    .Extended(body, 0, layout.MessageEnds, messages)
                : null;

        /// <summary>This record's first <paramref name="kept"/> messages followed by the ones after them in
        /// <paramref name="body"/>, hashing only those.</summary>
        public ParsedBody Extended(ReadOnlySpan<byte> body, int kept, int[] messageEnds, IReadOnlyList<InputMessage> messages)
        {
            var hashes = new UInt128[messageEnds.Length];
            Hashes.AsSpan(0, kept).CopyTo(hashes);
            for (var i = kept; i < hashes.Length; i++)
            {
                hashes[i] = HashOf(body, i, messageEnds);
            }

            return new ParsedBody(Header, messageEnds, hashes, messages, body.Length);
        }

        /// <summary>How many of this record's messages <paramref name="body"/> repeats, byte for byte, at the same
        /// offsets after the same header.</summary>
        public int CountRepeated(ReadOnlySpan<byte> body)
        {
            if (!body.StartsWith(Header))
            {
                return 0;
            }

            var repeated = 0;
            while (repeated < MessageEnds.Length && MessageEnds[repeated] <= body.Length
                && HashOf(body, repeated, MessageEnds) == Hashes[repeated])
            {
                repeated++;
            }

            return repeated;
        }

        /// <summary>XXH128 of message <paramref name="index"/>'s bytes: this detects a client's edits of its own
        /// history, not an attacker, and at ~10 GB/s it costs a fraction of a millisecond for a 3.5 MB body.</summary>
        private UInt128 HashOf(ReadOnlySpan<byte> body, int index, int[] messageEnds)
        {
            var start = index == 0 ? Header.Length : messageEnds[index - 1];
            return XxHash128.HashToUInt128(body[start..messageEnds[index]]);
        }
    }
}
