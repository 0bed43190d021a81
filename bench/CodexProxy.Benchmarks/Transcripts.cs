using System.Text;

namespace CodexProxy.Benchmarks;

/// <summary>Inputs shaped like real traffic: a Codex text stream and a Claude Code-sized request.</summary>
internal static class Transcripts
{
    /// <summary>Upstream events in <see cref="CodexTextStream"/>: 3 opening, one per delta, 4 closing.</summary>
    public static int CodexEventCount(int deltas) => deltas + 7;

    public static byte[] CodexTextStream(int deltas)
    {
        var sse = new StringBuilder();
        var sequence = 0;
        void Event(string type, string body) =>
            sse.Append("event: ").Append(type).Append("\ndata: {\"type\":\"").Append(type).Append("\",\"sequence_number\":")
                .Append(sequence++).Append(',').Append(body).Append("}\n\n");

        const string response = "\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1767225600,\"model\":\"gpt-5.5\",\"output\":[]";
        const string item = "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0";
        var full = string.Concat(Enumerable.Repeat("word ", deltas));
        Event("response.created", $"\"response\":{{{response},\"status\":\"in_progress\"}}");
        Event("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}");
        Event("response.content_part.added", $"{item},\"part\":{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}}");
        for (var i = 0; i < deltas; i++)
        {
            Event("response.output_text.delta", $"{item},\"delta\":\"word \",\"logprobs\":[]");
        }

        Event("response.output_text.done", $"{item},\"text\":\"{full}\",\"logprobs\":[]");
        Event("response.content_part.done", $"{item},\"part\":{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"{full}\"}}");
        Event("response.output_item.done", $"\"output_index\":0,\"item\":{{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{{\"type\":\"output_text\",\"annotations\":[],\"text\":\"{full}\"}}]}}");
        Event("response.completed", $"\"response\":{{{response},\"status\":\"completed\",\"usage\":{{\"input_tokens\":2600,\"input_tokens_details\":{{\"cached_tokens\":2048}},\"output_tokens\":{deltas},\"output_tokens_details\":{{\"reasoning_tokens\":0}},\"total_tokens\":{2600 + deltas}}}}}");
        return Encoding.UTF8.GetBytes(sse.ToString());
    }

    /// <summary>About 10 KB: system prompt, five tools with schemas, a short tool-using history.</summary>
    public static byte[] ClaudeCodeRequest()
    {
        var filler = string.Concat(Enumerable.Repeat("You are an interactive CLI tool that helps users with software engineering tasks. ", 70));
        var tools = string.Join(',', new[] { "Bash", "Read", "Edit", "Grep", "Glob" }.Select(name =>
            $$$"""{"name":"{{{name}}}","description":"{{{name}}} tool: does {{{name}}} things in the workspace.","input_schema":{"type":"object","properties":{"command":{"type":"string","description":"The command."},"path":{"type":"string","description":"A path."},"timeout":{"type":"number"}},"required":["path"],"additionalProperties":false}}"""));
        var json = $$$"""
            {"model":"claude-sonnet-4-5","max_tokens":32000,"stream":true,
             "system":[{"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."},{"type":"text","text":"{{{filler}}}","cache_control":{"type":"ephemeral"}}],
             "tools":[{{{tools}}}],
             "metadata":{"user_id":"user_abc_account_def_session_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"List the files in src and summarise them."}]},
               {"role":"assistant","content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_01","name":"Bash","input":{"command":"ls src","path":"."}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"Program.cs\nCli\nHosting\nTranslation\n"}]}
             ]}
            """;
        return Encoding.UTF8.GetBytes(json);
    }
}
