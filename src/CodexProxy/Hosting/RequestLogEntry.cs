using CodexProxy.Anthropic;

namespace CodexProxy.Hosting;

/// <summary>What the one log line per request says; filled in by the endpoint as the request goes.</summary>
internal sealed class RequestLogEntry(string requestId)
{
    public string RequestId { get; } = requestId;

    public string? RequestedModel { get; set; }

    public string? CodexModel { get; set; }

    public string? Account { get; set; }

    public long? FirstByteTimestamp { get; set; }

    public AnthropicUsage? Usage { get; set; }

    /// <summary>The error type of a failure reported inside a started stream (the status is 200 then).</summary>
    public string? StreamError { get; set; }
}
