using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace CodexProxy.Benchmarks;

/// <summary>
/// Large-object-heap allocations in this process, by type, from the runtime's own <c>GCAllocationTick</c> events
/// (one event per ~100 KB allocated, with the kind of heap and the type of the object that crossed the mark). Not
/// exact, but enough to tell which stage puts what on the LOH.
/// </summary>
internal sealed class LargeObjectAllocations : EventListener
{
    private const int LargeObjectHeap = 1;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public void Reset() => _bytesByType.Clear();

    /// <summary>e.g. <c>3,200 KB (System.Byte[] 3,200)</c>; "0" when nothing went to the LOH.</summary>
    public string Describe(int runs)
    {
        var total = _bytesByType.Values.Sum();
        if (total == 0)
        {
            return "0";
        }

        var types = string.Join(", ", _bytesByType.OrderByDescending(t => t.Value).Take(3)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value / runs / 1024:N0}")));
        return string.Create(CultureInfo.InvariantCulture, $"{total / runs / 1024:N0} KB ({types})");
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var kind = Convert.ToInt32(eventData.Payload![names.IndexOf("AllocationKind")], CultureInfo.InvariantCulture);
        if (kind != LargeObjectHeap)
        {
            return;
        }

        var amountIndex = names.IndexOf("AllocationAmount64");
        var amount = Convert.ToInt64(eventData.Payload[amountIndex >= 0 ? amountIndex : names.IndexOf("AllocationAmount")], CultureInfo.InvariantCulture);
        var typeIndex = names.IndexOf("TypeName");
        var type = typeIndex >= 0 ? eventData.Payload[typeIndex] as string ?? "?" : "?";
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
