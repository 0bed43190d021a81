using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>
/// The Responses-lite request shape the official Codex CLI uses for catalogue models with <c>use_responses_lite</c>:
/// no top-level <c>tools</c>; instead <c>input[0]</c> is an <c>additional_tools</c> item (role <c>developer</c>) whose
/// <c>functions</c> namespace holds the function tools. A deferred tool that the conversation loads later is declared
/// by one more <c>additional_tools</c> item right after the message that loaded it, so everything before it stays
/// byte-identical (prompt caching). Item ids are derived from the thread, so they are the same every turn.
/// </summary>
internal static class ResponsesLiteShape
{
    public const string IdPrefix = "at_";

    /// <param name="conversation">The mapped messages, with the system prompt item first.</param>
    /// <param name="messageEnds">Where each client message's items end in <paramref name="conversation"/>.</param>
    /// <param name="thread">Identifies the conversation thread (its prompt-cache key, or the prompt and first message).</param>
    public static List<CodexInputItem> Build(
        IReadOnlyList<CodexInputItem> conversation,
        IReadOnlyList<int> messageEnds,
        IReadOnlyList<CodexTool> upfront,
        IReadOnlyList<(int MessageIndex, IReadOnlyList<CodexTool> Tools)> loaded,
        string thread)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(messageEnds);
        ArgumentNullException.ThrowIfNull(loaded);
        var input = new List<CodexInputItem>(conversation.Count + 1 + loaded.Count);
        var declarations = 0;
        if (upfront.Count > 0)
        {
            input.Add(Declare(upfront, thread, declarations++));
        }

        var next = 0;
        foreach (var (messageIndex, tools) in loaded.OrderBy(l => l.MessageIndex))
        {
            var end = messageIndex < messageEnds.Count ? messageEnds[messageIndex] : conversation.Count;
            for (; next < end; next++)
            {
                input.Add(conversation[next]);
            }

            input.Add(Declare(tools, thread, declarations++));
        }

        for (; next < conversation.Count; next++)
        {
            input.Add(conversation[next]);
        }

        return input;
    }

    /// <summary>Function tools go in the <c>functions</c> namespace (as the CLI sends them, with an empty
    /// description); any other tool (the hosted web search, a Responses API client's <c>custom</c> tool) follows it
    /// in the same item.</summary>
    private static CodexAdditionalToolsItem Declare(IReadOnlyList<CodexTool> tools, string thread, int number)
    {
        var functions = tools.Where(IsFunction).ToList();
        var declared = new List<CodexTool>();
        if (functions.Count > 0)
        {
            declared.Add(new CodexNamespaceTool(CodexNamespaceTool.Functions, string.Empty, functions));
        }

        declared.AddRange(tools.Where(tool => !IsFunction(tool)));
        return new CodexAdditionalToolsItem(StableId(thread, number), declared);
    }

    /// <summary>A mapped function tool, or a Responses API client's <c>function</c> tool passed on as it came.</summary>
    private static bool IsFunction(CodexTool tool) =>
        tool is CodexFunctionTool
        || (tool is CodexPassthroughTool passthrough && passthrough.Fields.TryGetValue("type", out var type)
            && type.ValueKind == JsonValueKind.String && type.ValueEquals("function"));

    /// <summary><c>at_</c> and a UUID-shaped hash of the thread and the declaration's number.</summary>
    public static string StableId(string thread, int number)
    {
        ArgumentNullException.ThrowIfNull(thread);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{thread}\n{number}"));
        return IdPrefix + new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
