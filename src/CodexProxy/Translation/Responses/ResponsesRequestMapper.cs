using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Codex;
using CodexProxy.Codex.Wire;
using CodexProxy.Configuration;
using CodexProxy.OpenAI;
using CodexProxy.Translation.Request;

namespace CodexProxy.Translation.Responses;

/// <summary>The Codex request plus the request's own settings, which the answer echoes back.</summary>
internal sealed record ResponsesMappedRequest(CodexRequest Body, string RequestedModel, bool Stream, ResponseEcho Echo);

/// <summary>What a response object repeats from its request.</summary>
internal sealed record ResponseEcho(
    string? Instructions, bool ParallelToolCalls, JsonElement? Reasoning, JsonElement? Text, JsonElement? ToolChoice, JsonElement? Tools,
    JsonElement? Metadata);

/// <summary>
/// A <c>/v1/responses</c> body → the Codex request. The backend speaks Responses, so this is a checked pass-through:
/// fields and item types this proxy does not model go upstream as they came, and only what the backend would refuse
/// is changed. Sampling and length limits are dropped silently, as proxies do; what cannot work without stored
/// responses (<c>previous_response_id</c>, <c>conversation</c>, <c>item_reference</c>, <c>background</c>, stored
/// prompts) is refused with the 400 the OpenAI API gives for an unsupported parameter.
/// </summary>
internal static class ResponsesRequestMapper
{
    /// <summary>Rejected by the backend and safe to ignore: they tune or limit sampling, or only label the call.</summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "temperature", "top_p", "top_logprobs", "max_output_tokens", "max_tool_calls", "metadata", "service_tier", "truncation",
        "user", "safety_identifier", "prompt_cache_retention", "stream_options",
        // Filled in by the proxy's own client, so the client's copy would be a duplicate key.
        "client_metadata",
    };

    /// <summary>Need a response stored on OpenAI's side, which the ChatGPT Codex backend never keeps.</summary>
    private static readonly Dictionary<string, string> NeedsStorage = new(StringComparer.Ordinal)
    {
        ["previous_response_id"] = "The ChatGPT Codex backend does not store responses, so previous_response_id cannot be resolved. Send the whole conversation in 'input' instead (with store: false, as the Codex CLI does).",
        ["conversation"] = "The ChatGPT Codex backend does not store conversations. Send the whole conversation in 'input' instead.",
        ["prompt"] = "Stored prompt templates are not available through the ChatGPT Codex backend. Send 'instructions' and 'input' instead.",
    };

    /// <summary>Fields this mapper reads itself.</summary>
    private static readonly HashSet<string> Modelled = new(StringComparer.Ordinal)
    {
        "model", "instructions", "input", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "store", "stream", "include",
        "prompt_cache_key", "text", "background",
    };

    /// <param name="catalog">The model catalogue: model mapping and the per-model request shape (Responses-lite tools,
    /// effort defaults and clamping, verbosity, parallel calls, summaries), as for <c>/v1/messages</c>.</param>
    public static ResponsesMappedRequest ToCodexRequest(JsonObject request, ModelMappingOptions models, CatalogSnapshot? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(models);
        var requested = String(request, "model") is { Length: > 0 } name
            ? name
            : throw new OpenAIRequestException("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        RefuseWhatNeedsStorage(request);
        var model = ModelResolver.Resolve(requested, models, catalog);
        var catalogModel = catalog?.Find(model.Slug);
        var instructions = String(request, "instructions");
        var reasoning = Reasoning(request["reasoning"], model, catalogModel);
        var passthrough = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in request)
        {
            if (!Modelled.Contains(key) && !Dropped.Contains(key) && value is not null)
            {
                passthrough[key] = Element(value);
            }
        }

        var cacheKey = String(request, "prompt_cache_key");
        var shape = RequestShape.Build(
            string.IsNullOrWhiteSpace(instructions) ? InstructionsBuilder.Fallback : instructions,
            ResponsesInputMapper.ToInput(request["input"]), Tools(request["tools"]), catalogModel, cacheKey);
        var body = new CodexRequest
        {
            Model = model.Slug,
            Input = shape.Input,
            Tools = shape.Tools,
            ToolChoice = request["tool_choice"] is { } choice ? ToolChoice(choice) : CodexToolChoice.Auto,
            ParallelToolCalls = CatalogSettings.ParallelToolCalls(catalogModel, Bool(request, "parallel_tool_calls") ?? true),
            Reasoning = reasoning,
            Include = Include(request["include"]),
            PromptCacheKey = cacheKey,
            Text = Text(request["text"], catalogModel),
            Passthrough = passthrough.Count == 0 ? null : passthrough,
            ResponsesLite = shape.ResponsesLite,
            SystemPrompt = shape.SystemPrompt,
        };
        var echo = new ResponseEcho(
            instructions, body.ParallelToolCalls, request["reasoning"] is { } r ? Element(r) : null, request["text"] is { } t ? Element(t) : null,
            request["tool_choice"] is { } c ? Element(c) : null, request["tools"] is { } tools ? Element(tools) : null,
            request["metadata"] is { } m ? Element(m) : null);
        return new ResponsesMappedRequest(body, requested, Bool(request, "stream") == true, echo);
    }

    private static void RefuseWhatNeedsStorage(JsonObject request)
    {
        foreach (var (field, message) in NeedsStorage)
        {
            if (request[field] is not null)
            {
                throw new OpenAIRequestException(message, field, "unsupported_parameter");
            }
        }

        if (Bool(request, "background") == true)
        {
            throw new OpenAIRequestException(
                "Background responses need stored responses, which the ChatGPT Codex backend does not keep. Stream the response instead.",
                "background", "unsupported_value");
        }
    }

    /// <summary>An effort suffix on the model name (<c>gpt-5.5-high</c>) beats <c>reasoning.effort</c>, which beats the
    /// catalogue's default; the catalogue clamps it and decides whether a summary can be had (see
    /// <see cref="EffortMapper"/> and <see cref="CatalogSettings"/>). Responses clients show reasoning summaries.</summary>
    private static CodexReasoning? Reasoning(JsonNode? reasoning, ResolvedModel model, CatalogModel? catalogModel)
    {
        if (reasoning is not null and not JsonObject)
        {
            throw new OpenAIRequestException("Invalid type for 'reasoning': expected an object.", "reasoning", "invalid_type");
        }

        var requestedEffort = reasoning is JsonObject o ? String(o, "effort") : null;
        var requestedSummary = reasoning is JsonObject s ? String(s, "summary") ?? String(s, "generate_summary") : null;
        var effort = EffortMapper.Choose(model, requestedEffort, thinking: null, catalogModel);
        var summary = CatalogSettings.Summary(catalogModel, requestedSummary, shown: true, fallback: null);
        return CatalogSettings.Reasoning(effort, summary, catalogModel);
    }

    private static List<CodexTool> Tools(JsonNode? tools)
    {
        if (tools is null)
        {
            return [];
        }

        if (tools is not JsonArray array)
        {
            throw new OpenAIRequestException("Invalid type for 'tools': expected an array.", "tools", "invalid_type");
        }

        var mapped = new List<CodexTool>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            mapped.Add(array[i] is JsonObject tool && String(tool, "type") is { Length: > 0 }
                ? new CodexPassthroughTool { Fields = Fields(tool) }
                : throw new OpenAIRequestException($"Invalid value for 'tools[{i}]': expected an object with a 'type'.", $"tools[{i}]", "invalid_value"));
        }

        return mapped;
    }

    private static CodexToolChoice ToolChoice(JsonNode choice) =>
        choice is JsonValue or JsonObject
            ? Element(choice).Deserialize(CodexJsonContext.Default.CodexToolChoice)!
            : throw new OpenAIRequestException("Invalid type for 'tool_choice': expected a string or an object.", "tool_choice", "invalid_type");

    /// <summary>The client's list plus <c>reasoning.encrypted_content</c>: without stored responses, replaying the
    /// output of one turn into the next (the SDKs' way of continuing) needs the encrypted reasoning.</summary>
    private static List<string> Include(JsonNode? include)
    {
        var values = new List<string>();
        if (include is JsonArray array)
        {
            values.AddRange(array.Select(v => v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null).OfType<string>());
        }
        else if (include is not null)
        {
            throw new OpenAIRequestException("Invalid type for 'include': expected an array of strings.", "include", "invalid_type");
        }

        if (!values.Contains("reasoning.encrypted_content"))
        {
            values.Add("reasoning.encrypted_content");
        }

        return values;
    }

    /// <summary>The client's <c>text</c>, with the verbosity the catalogue allows (its default when none is asked for).</summary>
    private static CodexTextOptions? Text(JsonNode? text, CatalogModel? catalogModel)
    {
        if (text is not null and not JsonObject)
        {
            throw new OpenAIRequestException("Invalid type for 'text': expected an object.", "text", "invalid_type");
        }

        var options = text as JsonObject;
        var rest = options is null ? new Dictionary<string, JsonElement>(StringComparer.Ordinal) : Fields(options);
        rest.Remove("verbosity");
        var verbosity = CatalogSettings.Verbosity(catalogModel, options is null ? null : String(options, "verbosity"));
        return verbosity is null && rest.Count == 0 ? null : new CodexTextOptions { Verbosity = verbosity, Passthrough = rest.Count == 0 ? null : rest };
    }

    internal static Dictionary<string, JsonElement> Fields(JsonObject item)
    {
        var fields = new Dictionary<string, JsonElement>(item.Count, StringComparer.Ordinal);
        foreach (var (key, value) in item)
        {
            fields[key] = value is null ? NullElement : Element(value);
        }

        return fields;
    }

    internal static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node, ResponsesJsonContext.Default.JsonNode);

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();

    internal static string? String(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new OpenAIRequestException($"Invalid type for '{name}': expected a string.", name, "invalid_type"),
    };

    private static bool? Bool(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw new OpenAIRequestException($"Invalid type for '{name}': expected a boolean.", name, "invalid_type"),
    };
}
