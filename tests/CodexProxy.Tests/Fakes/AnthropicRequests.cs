using System.Text;

namespace CodexProxy.Tests.Fakes;

/// <summary>Anthropic Messages request bodies shaped like Claude Code's (including fields the proxy must drop).</summary>
internal static class AnthropicRequests
{
    public const string Model = "gpt-5.5";

    public static string Text(string prompt, bool stream) => $$$"""
        {
          "model": "{{{Model}}}",
          "max_tokens": 32000,
          "temperature": 0.7,
          "system": [
            {"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.197.123; cc_entrypoint=sdk-cli;"},
            {"type": "text", "text": "You are a helpful assistant used in an end-to-end test.", "cache_control": {"type": "ephemeral"}}
          ],
          "messages": [
            {"role": "user", "content": [{"type": "text", "text": "{{{prompt}}}", "cache_control": {"type": "ephemeral"}}]}
          ],
          "metadata": {"user_id": "{\"device_id\":\"abc\",\"account_uuid\":\"\",\"session_id\":\"5d0c2f7e-0000-4000-8000-000000000001\"}"},
          "stream": {{{(stream ? "true" : "false")}}}
        }
        """;

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
