using System.Buffers;
using System.Text.Json;
using CodexProxy.Anthropic;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;

namespace CodexProxy.Translation.Request;

/// <summary>Anthropic <c>tools</c> and <c>tool_choice</c> → Codex <c>tools</c>, <c>tool_choice</c>, <c>parallel_tool_calls</c>.</summary>
internal static class ToolsMapper
{
    private const string WebSearchTypePrefix = "web_search_";

    /// <summary>The offered tools (see <see cref="ToolSearch"/>) in upstream order; deferred tools not yet loaded are absent.</summary>
    public static IReadOnlyList<CodexTool> ToCodexTools(OfferedTools offered, ToolNameMap names) =>
        ToCodexTools(offered.InUpstreamOrder, names);

    public static IReadOnlyList<CodexTool> ToCodexTools(IEnumerable<OfferedTool> tools, ToolNameMap names) =>
        [.. tools.Select(tool => ToCodexTool(tool.Definition, $"tools[{tool.RequestIndex}]", names))];

    public static bool IsWebSearch(ToolDefinition tool) =>
        tool.Type?.StartsWith(WebSearchTypePrefix, StringComparison.Ordinal) == true;

    /// <summary><c>auto</c>→auto, <c>any</c>→required, <c>tool</c>→that function (or the hosted web search),
    /// <c>none</c>→none; absent → auto.</summary>
    public static CodexToolChoice ToCodexToolChoice(ToolChoice? choice, IReadOnlyList<ToolDefinition>? tools, ToolNameMap names)
    {
        switch (choice?.Type)
        {
            case null or "auto":
                return CodexToolChoice.Auto;
            case "any":
                return CodexToolChoice.Required;
            case "none":
                return CodexToolChoice.None;
            case "tool":
                if (string.IsNullOrEmpty(choice.Name))
                {
                    throw new InvalidRequestException("tool_choice.name: is required when type is 'tool'");
                }

                var forcesWebSearch = tools?.Any(t => IsWebSearch(t) && t.Name == choice.Name) == true;
                return forcesWebSearch
                    ? new CodexToolChoice { ToolType = "web_search" }
                    : CodexToolChoice.Function(names.ToCodex(choice.Name));
            default:
                throw new InvalidRequestException($"tool_choice.type: unknown tool choice '{choice.Type}'");
        }
    }

    public static bool ParallelToolCalls(ToolChoice? choice) => choice?.DisableParallelToolUse != true;

    private static CodexTool ToCodexTool(ToolDefinition tool, string path, ToolNameMap names)
    {
        if (tool.Type is null or "custom")
        {
            if (string.IsNullOrEmpty(tool.Name))
            {
                throw new InvalidRequestException($"{path}.name: is required");
            }

            var parameters = ToolSchemaNormalizer.Normalize(tool.InputSchema, $"{path}.input_schema");
            return new CodexFunctionTool(names.ToCodex(tool.Name), tool.Description, parameters);
        }

        if (IsWebSearch(tool))
        {
            return ToWebSearchTool(tool);
        }

        throw new InvalidRequestException($"{path}.type: unsupported server tool '{tool.Type}'");
    }

    /// <summary><c>allowed_domains</c> becomes <c>filters.allowed_domains</c> and <c>user_location</c> passes through.
    /// <c>max_uses</c> and <c>blocked_domains</c> have no Codex counterpart and <c>name</c> is implied by the type;
    /// they are dropped.</summary>
    private static CodexWebSearchTool ToWebSearchTool(ToolDefinition tool)
    {
        var settings = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var extra = tool.AdditionalProperties;
        if (extra?.TryGetValue("allowed_domains", out var domains) == true && domains.ValueKind == JsonValueKind.Array)
        {
            settings["filters"] = WrapAllowedDomains(domains);
        }

        if (extra?.TryGetValue("user_location", out var location) == true && location.ValueKind == JsonValueKind.Object)
        {
            settings["user_location"] = location;
        }

        return new CodexWebSearchTool { Settings = settings.Count == 0 ? null : settings };
    }

    private static JsonElement WrapAllowedDomains(JsonElement domains)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("allowed_domains");
            domains.WriteTo(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
