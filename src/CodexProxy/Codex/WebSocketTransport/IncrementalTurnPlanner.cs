using CodexProxy.Codex.Wire;

namespace CodexProxy.Codex;

/// <summary>Why a turn goes out in full rather than as the items after the socket's last response.</summary>
internal enum FullRequestReason
{
    /// <summary>Not a full request: only the new items are sent, with <c>previous_response_id</c>.</summary>
    None,

    /// <summary>A new socket (the first turn, or the previous socket dropped): the backend has nothing yet.</summary>
    NewSocket,

    /// <summary>The socket's last response failed, was incomplete, errored or was abandoned.</summary>
    PreviousNotCompleted,

    /// <summary>The credential's account is not the one the history was built with.</summary>
    DifferentAccount,

    /// <summary>Model, instructions, tools, tool choice, reasoning or text settings changed.</summary>
    DifferentSettings,

    /// <summary>The request's history is not the backend's: an item was edited, dropped, compacted or reordered.</summary>
    HistoryChanged,

    /// <summary>The request adds nothing to what the backend has (a rewind, or a repeat of the same request).</summary>
    NoNewItems,

    /// <summary>The backend no longer knew the previous response (<c>previous_response_not_found</c>).</summary>
    PreviousResponseNotFound,
}

/// <summary>What the backend holds on one socket after a completed response: the input it was sent (its first
/// <paramref name="SentItems"/> digests, of the bytes sent) followed by the output it produced (digests of values,
/// <see cref="ItemDigest.OfValues"/>), and the settings and account it was produced with.</summary>
internal sealed record ConversationChain(
    string ResponseId, string AccountKey, ItemDigest Settings, IReadOnlyList<ItemDigest> Items, int SentItems);

/// <summary>A request's input as the planner compares it with a chain: each item's sent bytes, and the values of the
/// items where the chain holds the backend's own output (only those, on demand: see <see cref="ItemDigest"/>).</summary>
internal sealed class InputDigests(IReadOnlyList<CodexInputItem> items)
{
    public IReadOnlyList<ItemDigest> Sent { get; } = ItemDigest.OfSentItems(items);

    public int Count => Sent.Count;

    public IReadOnlyList<ItemDigest> ValuesOf(int from, int count) => ItemDigest.OfValues(items, from, count);

    /// <summary>The items from <paramref name="index"/> on, for a frame: with their rendered bytes while they are held.</summary>
    public IReadOnlyList<CodexInputItem> ItemsFrom(int index) => items switch
    {
        _ when index == 0 => items,
        RenderedInputItems rendered => rendered.Skip(index),
        _ => [.. items.Skip(index)],
    };
}

/// <summary>How to send one turn: <see cref="PreviousResponseId"/> and the input from <see cref="NewItemsFrom"/> on,
/// or (when <see cref="Reason"/> is not <see cref="FullRequestReason.None"/>) the whole input.</summary>
internal readonly record struct TurnPlan(string? PreviousResponseId, int NewItemsFrom, FullRequestReason Reason)
{
    public bool Incremental => Reason == FullRequestReason.None;

    public static TurnPlan Full(FullRequestReason reason) => new(null, 0, reason);
}

/// <summary>
/// Decides whether the backend already has the start of a request's input. It has exactly the chain of its last
/// completed response on the socket; the request continues it only if the same account sends the same settings and
/// its input begins with every item of the chain, byte for byte, and then has more. Anything else is a full request.
/// </summary>
internal static class IncrementalTurnPlanner
{
    public static TurnPlan Plan(
        ConversationChain? chain, FullRequestReason noChainReason, string accountKey, ItemDigest settings, InputDigests input)
    {
        if (chain is null)
        {
            return TurnPlan.Full(noChainReason == FullRequestReason.None ? FullRequestReason.NewSocket : noChainReason);
        }

        if (!string.Equals(chain.AccountKey, accountKey, StringComparison.Ordinal))
        {
            return TurnPlan.Full(FullRequestReason.DifferentAccount);
        }

        if (chain.Settings != settings)
        {
            return TurnPlan.Full(FullRequestReason.DifferentSettings);
        }

        var known = chain.Items.Count;
        var sent = Math.Min(chain.SentItems, input.Count);
        for (var i = 0; i < sent; i++)
        {
            if (chain.Items[i] != input.Sent[i])
            {
                return TurnPlan.Full(FullRequestReason.HistoryChanged);
            }
        }

        // The backend's answer, replayed by the client in its own spelling.
        var replayed = input.ValuesOf(sent, Math.Max(0, Math.Min(known, input.Count) - sent));
        for (var i = 0; i < replayed.Count; i++)
        {
            if (chain.Items[sent + i] != replayed[i])
            {
                return TurnPlan.Full(FullRequestReason.HistoryChanged);
            }
        }

        return input.Count <= known
            ? TurnPlan.Full(FullRequestReason.NoNewItems)
            : new TurnPlan(chain.ResponseId, known, FullRequestReason.None);
    }
}
