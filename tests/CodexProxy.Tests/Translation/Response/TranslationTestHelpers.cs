using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Translation;
using CodexProxy.Translation.Response;
using Xunit;

namespace CodexProxy.Tests.Translation.Response;

/// <summary>Builds upstream streams from JSON lines or transcript files and collects the translated output.</summary>
internal static class TranslationTestHelpers
{
    public static StreamTranslationContext Context(ToolNameMap? toolNames = null) =>
        new("msg_test", "claude-sonnet-5", toolNames ?? ToolNameMap.Empty);

    public static string TranscriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Transcripts", name);

    /// <summary>One Codex event from its JSON, read by the production parser.</summary>
    public static CodexStreamEvent Event(string json) =>
        CodexEventReader.Parse(Encoding.UTF8.GetBytes(json)) ?? throw new ArgumentException("Unparsable event JSON.", nameof(json));

    public static async IAsyncEnumerable<CodexStreamEvent> Upstream(
        IEnumerable<string> jsonEvents,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var json in jsonEvents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return Event(json);
        }
    }

    public static async Task<List<StreamEvent>> TranslateAsync(params string[] jsonEvents)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var events = new List<StreamEvent>();
        await foreach (var streamEvent in StreamTranslator.TranslateAsync(Upstream(jsonEvents, cancellationToken), Context(), cancellationToken))
        {
            events.Add(streamEvent);
        }

        return events;
    }

    public static IAsyncEnumerable<StreamEvent> TranslateTranscript(Stream body, ToolNameMap? toolNames = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Read as the Messages endpoint reads them, so the golden transcripts also hold the events read by type only.
        var events = CodexEventReader.ReadAsync(body, cancellationToken, eventsReadByTypeOnly: StreamTranslator.EventsReadByTypeOnly);
        return StreamTranslator.TranslateAsync(events, Context(toolNames), cancellationToken);
    }

    public static async Task<string> TranscriptToAnthropicSseAsync(string name)
    {
        await using var body = File.OpenRead(TranscriptPath(name));
        var buffer = new ArrayBufferWriter<byte>();
        await foreach (var streamEvent in TranslateTranscript(body))
        {
            AnthropicSseFormatter.WriteEvent(buffer, streamEvent);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Sse(StreamEvent streamEvent)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AnthropicSseFormatter.WriteEvent(buffer, streamEvent);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public const string Created = """{"type":"response.created","response":{"id":"resp_1","status":"in_progress","model":"gpt-5.5"}}""";

    public const string Completed = """{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":10,"output_tokens":5}}}""";
}
