using System.Buffers;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Response;

/// <summary>
/// A finished Codex <c>web_search_call</c> becomes a <c>server_tool_use</c> block and a <c>web_search_tool_result</c>
/// block, each started and stopped at once. Codex reports no result list, so the result content is <c>[]</c>.
/// </summary>
internal static class WebSearchBlocks
{
    public const string ToolName = "web_search";

    public static void Emit(CodexOutputItem item, ref int nextBlockIndex, List<StreamEvent> output)
    {
        var id = item.Id ?? "ws";
        var useIndex = nextBlockIndex++;
        output.Add(new ContentBlockStartEvent(useIndex, new ServerToolUseBlock(id, ToolName, ToInput(item.Action))));
        output.Add(new ContentBlockStopEvent(useIndex));

        var resultIndex = nextBlockIndex++;
        output.Add(new ContentBlockStartEvent(resultIndex, new WebSearchToolResultBlock(id, JsonConstants.EmptyArray)));
        output.Add(new ContentBlockStopEvent(resultIndex));
    }

    /// <summary><c>{"query":…}</c> for a search action (the shape of Anthropic's web_search input); other actions pass through.</summary>
    internal static JsonElement ToInput(JsonElement action)
    {
        if (action.ValueKind != JsonValueKind.Object)
        {
            return JsonConstants.EmptyObject;
        }

        if (!action.TryGetProperty("type", out var type) || !type.ValueEquals("search")
            || !action.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
        {
            return action;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("query");
            query.WriteTo(writer);
            writer.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }
}
