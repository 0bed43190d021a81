using System.Buffers;
using System.Text;
using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Hosting;
using CodexProxy.Hosting.OpenAI;
using CodexProxy.OpenAI;
using CodexProxy.Translation.ChatCompletions;
using CodexProxy.Translation.Responses;
using Xunit;
using static CodexProxy.Tests.Translation.Response.TranslationTestHelpers;

namespace CodexProxy.Tests.Translation.ChatCompletions;

/// <summary>The shared Codex transcripts (<c>Transcripts/*.sse</c>) translated to the two OpenAI wire formats, written
/// by the production SSE formats, and compared byte for byte with golden files.</summary>
internal static class OpenAIGoldenTranscripts
{
    public static readonly ChatStreamContext ChatContext = new("chatcmpl-test", 1767225600, "gpt-5.5", IncludeUsage: true);

    public static readonly ResponsesStreamContext ResponsesContext = new(
        "resp_fallback", 1767225600, "gpt-5.5", new ResponseEcho("Be brief.", true, null, null, null, null, null));

    public static async Task<string> ChatSseAsync(string transcript)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var body = File.OpenRead(TranscriptPath(transcript));
        try
        {
            await foreach (var chunk in ChatStreamTranslator.TranslateAsync(CodexEventReader.ReadAsync(body, cancellationToken), ChatContext, cancellationToken))
            {
                ChatSseFormat.Instance.Write(buffer, chunk);
            }

            buffer.Write(ChatSseFormat.Instance.End);
        }
        catch (UpstreamStreamException e)
        {
            ChatSseFormat.Instance.WriteFailure(buffer, OpenAIFailures.Map(new ErrorMapper(TimeProvider.System), e).Detail);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static async Task<string> ResponsesSseAsync(string transcript)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var format = new ResponsesSseFormat();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var body = File.OpenRead(TranscriptPath(transcript));
        try
        {
            await foreach (var item in ResponsesStreamTranslator.TranslateAsync(CodexEventReader.ReadAsync(body, cancellationToken), ResponsesContext, cancellationToken))
            {
                format.Write(buffer, item);
            }
        }
        catch (UpstreamStreamException e)
        {
            format.WriteFailure(buffer, OpenAIFailures.Map(new ErrorMapper(TimeProvider.System), e).Detail);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static async Task AssertGoldenAsync(string actual, string goldenName)
    {
        var expectedPath = TranscriptPath(goldenName);
        var expected = File.Exists(expectedPath) ? await File.ReadAllTextAsync(expectedPath, TestContext.Current.CancellationToken) : null;
        if (actual != expected)
        {
            // Left in the test output folder so a reviewer can diff it against the golden file.
            await File.WriteAllTextAsync(TranscriptPath(goldenName.Replace(".expected.", ".actual.", StringComparison.Ordinal)), actual, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, actual);
    }

    /// <summary>The data lines of a Chat Completions stream, parsed.</summary>
    public static List<JsonElement> ChatChunks(string sse) =>
        [.. sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..])
            .Where(d => d != "[DONE]")
            .Select(d => JsonDocument.Parse(d).RootElement)];
}
