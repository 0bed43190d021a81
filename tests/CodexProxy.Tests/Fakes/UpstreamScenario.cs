using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary>What <see cref="FakeCodexUpstream"/> answers to one request.</summary>
internal abstract record UpstreamScenario
{
    /// <summary>Replays <c>Transcripts/Scenarios/{name}</c> (an <c>.sse</c> file) as the event stream.</summary>
    public static SseScenario Transcript(string name) =>
        new(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Transcripts", "Scenarios", name)));

    /// <summary>Replays a golden transcript, <c>Transcripts/{name}</c>, shared with the stream translator tests.</summary>
    public static SseScenario Golden(string name) =>
        new(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Transcripts", name)));

    /// <summary>Decides per request, e.g. so a tool loop's second call gets a different answer.</summary>
    public static DynamicScenario Dynamic(Func<RecordedRequest, UpstreamScenario> responder) => new(responder);

    /// <summary>A whole JSON answer with any status (an <see cref="ErrorScenario"/> is no more than that),
    /// e.g. the model catalogue with an ETag, or a 304.</summary>
    public static ErrorScenario Plain(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, body) { Headers = headers ?? new Dictionary<string, string>() };

    /// <summary>Never answers: waits until the client hangs up.</summary>
    public static ScriptScenario Hang() => new(static http => Task.Delay(Timeout.Infinite, http.RequestAborted));

    /// <summary>Writes the answer itself (raw bytes, stalls, aborts); see <see cref="UpstreamScript"/>.</summary>
    public static ScriptScenario Script(Func<HttpContext, Task> run) => new(run);
}

/// <summary>A <c>text/event-stream</c> answer. Events are the blank-line separated blocks of <see cref="Sse"/>.</summary>
internal sealed record SseScenario(string Sse) : UpstreamScenario
{
    /// <summary>Pause before every event after the first.</summary>
    public TimeSpan EventDelay { get; init; }

    /// <summary>Reset the connection (no terminal event) after this many events. The fake waits
    /// <see cref="CutGrace"/> first: a TCP reset discards data the peer has not read yet.</summary>
    public int? CutAfterEvents { get; init; }

    public TimeSpan CutGrace { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>End the body cleanly (EOF, no terminal event) after this many events.</summary>
    public int? EndAfterEvents { get; init; }

    /// <summary>Go silent after this many events for <see cref="StallDuration"/>, then carry on.</summary>
    public int? StallAfterEvents { get; init; }

    public TimeSpan StallDuration { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Replaces <c>{{name}}</c> with <paramref name="value"/> verbatim: the caller keeps it JSON-safe
    /// (placeholders may sit inside a JSON string that is itself inside a JSON string).</summary>
    public SseScenario With(string name, string value) => this with { Sse = Sse.Replace("{{" + name + "}}", value, StringComparison.Ordinal) };

    public IReadOnlyList<string> Events =>
        Sse.ReplaceLineEndings("\n")
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToArray();
}

/// <summary>A whole (non-stream) answer: an HTTP error before any stream, or see <see cref="UpstreamScenario.Plain"/>.</summary>
internal sealed record ErrorScenario(int Status, string Body, string ContentType = "application/json") : UpstreamScenario
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

internal sealed record DynamicScenario(Func<RecordedRequest, UpstreamScenario> Responder) : UpstreamScenario;

/// <summary>An answer the test writes itself, for faults the other scenarios cannot express.</summary>
internal sealed record ScriptScenario(Func<HttpContext, Task> Run) : UpstreamScenario;
