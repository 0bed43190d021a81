using System.Buffers;
using System.Text.Json;
using CodexProxy.OpenAI;

namespace CodexProxy.Hosting.OpenAI;

/// <summary>Chat Completions: data-only events, <c>data: [DONE]</c> at the end. A failure is
/// <c>data: {"error":{…}}</c>, which the OpenAI Python and Node SDKs raise as an API error; no <c>[DONE]</c> follows.</summary>
internal sealed class ChatSseFormat : OpenAISseFormat<ChatCompletionChunk>
{
    public static readonly ChatSseFormat Instance = new();

    public override ReadOnlySpan<byte> End => "data: [DONE]\n\n"u8;

    public override string? EventName(ChatCompletionChunk item) => null;

    public override void WriteData(Utf8JsonWriter writer, ChatCompletionChunk item) =>
        JsonSerializer.Serialize(writer, item, OpenAIJsonContext.Default.ChatCompletionChunk);

    public override void WriteFailure(IBufferWriter<byte> body, OpenAIErrorDetail error) =>
        WriteEvent(body, null, writer => JsonSerializer.Serialize(writer, new OpenAIErrorResponse(error), OpenAIJsonContext.Default.OpenAIErrorResponse));
}

/// <summary>Responses: named events, relayed JSON. A failure is an <c>error</c> event followed by
/// <c>response.failed</c> carrying the same error, so clients that watch either one (openai-dotnet's
/// <c>StreamingResponseErrorUpdate</c> and <c>StreamingResponseFailedUpdate</c>, the Codex CLI's
/// <c>response.failed</c>) see it.</summary>
internal sealed class ResponsesSseFormat : OpenAISseFormat<ResponseStreamEvent>
{
    private ResponseObject? _last;
    private long _sequence;

    public override string? EventName(ResponseStreamEvent item) => item.Type;

    public override void WriteData(Utf8JsonWriter writer, ResponseStreamEvent item)
    {
        _last = item.Response ?? _last;
        if (item.Data.TryGetProperty("sequence_number", out var sequence) && sequence.TryGetInt64(out var number))
        {
            _sequence = number;
        }

        item.Data.WriteTo(writer);
    }

    public override void WriteFailure(IBufferWriter<byte> body, OpenAIErrorDetail error)
    {
        var code = error.Code ?? error.Type;
        WriteEvent(body, "error", writer =>
            JsonSerializer.Serialize(writer, new ResponseErrorEvent(++_sequence, code, error.Message, error.Param), OpenAIJsonContext.Default.ResponseErrorEvent));
        if (_last is { } last)
        {
            var failed = last with { Status = "failed", Error = new ResponseError(code, error.Message) };
            WriteEvent(body, "response.failed", writer =>
                JsonSerializer.Serialize(writer, new ResponseLifecycleEvent("response.failed", ++_sequence, failed), OpenAIJsonContext.Default.ResponseLifecycleEvent));
        }
    }
}
