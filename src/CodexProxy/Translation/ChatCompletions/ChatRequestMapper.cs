using System.Text.Json;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.OpenAI;
using CodexProxy.Translation.Request;

namespace CodexProxy.Translation.ChatCompletions;

/// <summary>The Codex request plus what the answer needs: the name to echo and whether usage is wanted.</summary>
internal sealed record ChatMappedRequest(CodexRequest Body, string RequestedModel, bool Stream, bool IncludeUsage);

/// <summary>
/// Chat Completions request → Codex Responses request. Pure; bad input throws <see cref="OpenAIRequestException"/>
/// naming the parameter, as the OpenAI API would. Leading <c>system</c>/<c>developer</c> messages become the
/// system prompt (placed as <see cref="RequestShape"/> places it for every API), later ones <c>developer</c> messages
/// in place. Sampling and length parameters (<c>temperature</c>,
/// <c>top_p</c>, <c>max_tokens</c>, <c>max_completion_tokens</c>, <c>stop</c>, penalties, <c>seed</c>, …) are ignored:
/// the backend rejects them, and proxies are expected to drop them.
/// </summary>
internal static class ChatRequestMapper
{
    private static readonly string[] Efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];

    /// <param name="catalog">The model catalogue: model mapping and the per-model request shape (Responses-lite tools,
    /// effort defaults and clamping, verbosity, parallel calls), as for <c>/v1/messages</c>.</param>
    public static ChatMappedRequest ToCodexRequest(ChatCompletionRequest request, ModelMappingOptions models, CatalogSnapshot? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(models);
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw new OpenAIRequestException("you must provide a model parameter", "model", "missing_required_parameter");
        }

        if (request.Messages is not { Count: > 0 } messages)
        {
            throw new OpenAIRequestException("'messages' must contain at least one message.", "messages", "empty_array");
        }

        if (request.N is > 1)
        {
            throw new OpenAIRequestException("Only n=1 is supported: the ChatGPT Codex backend returns one choice.", "n", "unsupported_value");
        }

        if (request.Modalities?.Any(m => m != "text") == true)
        {
            throw new OpenAIRequestException("Only text output is supported.", "modalities", "unsupported_value");
        }

        var model = ModelResolver.Resolve(request.Model, models, catalog);
        var catalogModel = catalog?.Find(model.Slug);
        var (instructions, input) = ChatMessageMapper.ToInput(messages);
        var stream = request.Stream == true;
        var shape = RequestShape.Build(instructions ?? InstructionsBuilder.Fallback, input, ToTools(request.Tools), catalogModel, request.PromptCacheKey);
        // Chat Completions has no place for reasoning text, so no summary is asked for.
        var effort = EffortMapper.Choose(model, Effort(request.ReasoningEffort), thinking: null, catalogModel);
        var body = new CodexRequest
        {
            Model = model.Slug,
            Input = shape.Input,
            Tools = shape.Tools,
            ToolChoice = ToToolChoice(request.ToolChoice),
            ParallelToolCalls = CatalogSettings.ParallelToolCalls(catalogModel, request.ParallelToolCalls ?? true),
            Reasoning = CatalogSettings.Reasoning(effort, summary: null, catalogModel),
            PromptCacheKey = request.PromptCacheKey,
            Text = ToText(CatalogSettings.Verbosity(catalogModel, request.Verbosity), request.ResponseFormat),
            ResponsesLite = shape.ResponsesLite,
            SystemPrompt = shape.SystemPrompt,
        };
        return new ChatMappedRequest(body, request.Model, stream, !stream || request.StreamOptions?.IncludeUsage == true);
    }

    private static string? Effort(string? effort) =>
        effort is null ? null
        : Efforts.Contains(effort) ? effort
        : throw new OpenAIRequestException(
            $"Invalid value: '{effort}'. Supported values are: {string.Join(", ", Efforts.Select(e => $"'{e}'"))}.", "reasoning_effort", "invalid_value");

    private static List<CodexTool> ToTools(IReadOnlyList<ChatTool?>? tools)
    {
        var mapped = new List<CodexTool>(tools?.Count ?? 0);
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var tool = tools![i];
            var path = $"tools[{i}]";
            if (tool?.Type != "function" || tool.Function is not { } function)
            {
                throw new OpenAIRequestException($"{path}: only tools of type 'function' with a 'function' object are supported.", path, "invalid_value");
            }

            if (string.IsNullOrEmpty(function.Name))
            {
                throw new OpenAIRequestException($"Missing required parameter: '{path}.function.name'.", $"{path}.function.name", "missing_required_parameter");
            }

            // The backend wants an object schema; a function without parameters takes none.
            var parameters = function.Parameters.ValueKind == JsonValueKind.Object
                ? ToolSchemaNormalizer.Normalize(function.Parameters, $"{path}.function.parameters")
                : EmptyObjectSchema;
            mapped.Add(new CodexFunctionTool(function.Name, function.Description, parameters) { Strict = function.Strict == true });
        }

        return mapped;
    }

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private static CodexToolChoice ToToolChoice(JsonElement choice)
    {
        switch (choice.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return CodexToolChoice.Auto;
            case JsonValueKind.String:
                return choice.GetString() switch
                {
                    "auto" => CodexToolChoice.Auto,
                    "none" => CodexToolChoice.None,
                    "required" => CodexToolChoice.Required,
                    var other => throw new OpenAIRequestException(
                        $"Invalid value: '{other}'. Supported values are: 'none', 'auto', and 'required'.", "tool_choice", "invalid_value"),
                };
            case JsonValueKind.Object when choice.TryGetProperty("function", out var function)
                && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                return CodexToolChoice.Function(name.GetString()!);
            default:
                throw new OpenAIRequestException(
                    "tool_choice must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice", "invalid_value");
        }
    }

    /// <summary><c>response_format</c> becomes the Responses API's <c>text.format</c>.</summary>
    private static CodexTextOptions? ToText(string? verbosity, JsonElement responseFormat)
    {
        Dictionary<string, JsonElement>? passthrough = null;
        if (responseFormat.ValueKind == JsonValueKind.Object && responseFormat.TryGetProperty("type", out var type))
        {
            var format = type.GetString() switch
            {
                "text" => null,
                "json_object" => (JsonElement?)JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["type"] = "json_object" }, ChatJsonContext.Default.DictionaryStringString),
                "json_schema" when responseFormat.TryGetProperty("json_schema", out var schema) && schema.ValueKind == JsonValueKind.Object =>
                    JsonSchemaFormat(schema),
                _ => throw new OpenAIRequestException(
                    "response_format.type must be 'text', 'json_object' or 'json_schema' (with a json_schema object).", "response_format", "invalid_value"),
            };
            passthrough = format is { } f ? new Dictionary<string, JsonElement> { ["format"] = f } : null;
        }

        return verbosity is null && passthrough is null ? null : new CodexTextOptions { Verbosity = verbosity, Passthrough = passthrough };
    }

    /// <summary>Chat's <c>{"json_schema":{"name","schema","strict","description"}}</c> is flat in Responses.</summary>
    private static JsonElement JsonSchemaFormat(JsonElement schema)
    {
        var fields = new Dictionary<string, JsonElement> { ["type"] = JsonSerializer.SerializeToElement("json_schema", ChatJsonContext.Default.String) };
        foreach (var property in schema.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        return JsonSerializer.SerializeToElement(fields, ChatJsonContext.Default.DictionaryStringJsonElement);
    }
}
