using Microsoft.AspNetCore.Http;

namespace CodexProxy.Tests.Fakes;

/// <summary>Building blocks for <see cref="ScriptScenario"/>: Codex events as single <c>data:</c> lines and
/// writers that let a test put exactly these bytes (or an error, a stall, an abort) on the wire.</summary>
internal static class UpstreamScript
{
    public static string Created => """{"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}""";

    public static string[] TextTurn(string text, int inputTokens = 11, int outputTokens = 7) =>
    [
        Created,
        """{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}""",
        $$"""{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"{{text}}"}""",
        $$$"""{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"{{{text}}}"}]}}""",
        $$$$"""{"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{"input_tokens":{{{{inputTokens}}}},"output_tokens":{{{{outputTokens}}}}}}}""",
    ];

    public static string Failed(string code) =>
        $$$$"""{"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"{{{{code}}}}","message":"failed: {{{{code}}}}"}}}""";

    public static async Task WriteSseAsync(HttpContext http, params string[] events)
    {
        await StartSseAsync(http);
        foreach (var data in events)
        {
            await WriteEventAsync(http, data);
        }
    }

    public static async Task StartSseAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        await http.Response.StartAsync(http.RequestAborted);
    }

    public static async Task WriteEventAsync(HttpContext http, string data)
    {
        await http.Response.WriteAsync($"data: {data}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    public static async Task WriteErrorAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body, http.RequestAborted);
    }
}
