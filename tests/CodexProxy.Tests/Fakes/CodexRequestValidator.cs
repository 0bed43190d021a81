using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// Rejects what the real Codex backend rejects (codex-backend.md §2.3–§2.8, §4.1), with the same status and body,
/// so a passing end-to-end test proves the proxy never sends a request the backend would refuse. Accepts what the
/// official Codex CLI 0.169.0 sends (its golden captures): no <c>instructions</c>, item ids, and for the catalogue's
/// Responses-lite models the lite shape (tools in an <c>additional_tools</c> input item, never top-level) together with
/// the <c>x-openai-internal-codex-responses-lite: true</c> header; a lite body without the header, the header without a
/// lite model, or top-level tools on a lite model are refused. Tools are checked wherever they are declared: top-level,
/// and inside <c>additional_tools</c> items and their namespaces.
/// </summary>
internal static class CodexRequestValidator
{
    public const string ResponsesLiteHeader = "x-openai-internal-codex-responses-lite";

    /// <summary>The Responses-lite models of the Codex CLI 0.169.0 catalogue (the fake's catalogue fixture).</summary>
    private static readonly Lazy<HashSet<string>> LiteModels = new(() =>
    {
        using var catalogue = JsonDocument.Parse(File.ReadAllText(CodexProxy.Tests.Codex.CodexCli.CodexCliCatalogue.FixturePath));
        return catalogue.RootElement.GetProperty("models").EnumerateArray()
            .Where(m => m.TryGetProperty("use_responses_lite", out var lite) && lite.ValueKind == JsonValueKind.True)
            .Select(m => m.GetProperty("slug").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
    });

    private static readonly string[] UnsupportedParameters =
    [
        "max_output_tokens", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "truncation",
        "user", "metadata", "previous_response_id", "prompt_cache_retention", "safety_identifier", "stream_options",
        "stop", "stop_sequences", "thinking", "cache_control", "anthropic_beta", "system", "messages",
    ];

    private static readonly string[] MessageRoles = ["user", "assistant", "developer"];

    /// <summary>The error the backend would answer, or null when the request is acceptable.</summary>
    public static ErrorScenario? Validate(RecordedRequest request)
    {
        var authorization = request.Header("Authorization");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= 7)
        {
            return UpstreamErrors.Unauthorized();
        }

        if (request.Json is not { ValueKind: JsonValueKind.Object } body)
        {
            return UpstreamErrors.BadRequest("We could not parse the JSON body of your request.");
        }

        foreach (var name in UnsupportedParameters)
        {
            if (body.TryGetProperty(name, out _))
            {
                return UpstreamErrors.BadRequest($"Unsupported parameter: {name}");
            }
        }

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 })
        {
            return UpstreamErrors.BadRequest("Model is required");
        }

        if (!body.TryGetProperty("store", out var store) || store.ValueKind != JsonValueKind.False)
        {
            return UpstreamErrors.BadRequest("Store must be set to false");
        }

        if (!body.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.True)
        {
            return UpstreamErrors.BadRequest("Stream must be set to true");
        }

        // Optional, as the CLI sends none; when present it must be real text.
        if (body.TryGetProperty("instructions", out var instructions)
            && (instructions.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(instructions.GetString())))
        {
            return UpstreamErrors.BadRequest("Instructions are not valid");
        }

        if (!body.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Array)
        {
            return UpstreamErrors.BadRequest("Input must be a list");
        }

        return ValidateShape(request, body, model.GetString()!, input) ?? ValidateTools(body, input) ?? ValidateItems(input);
    }

    private static ErrorScenario? ValidateShape(RecordedRequest request, JsonElement body, string model, JsonElement input)
    {
        var header = string.Equals(request.Header(ResponsesLiteHeader), "true", StringComparison.OrdinalIgnoreCase);
        var liteModel = LiteModels.Value.Contains(model);
        var declaresTools = input.EnumerateArray().Any(item => item.TryGetProperty("type", out var type) && type.ValueEquals("additional_tools"));
        if (liteModel && !header)
        {
            return UpstreamErrors.BadRequest($"Model {model} requires the Responses-lite request format.");
        }

        if (header && !liteModel)
        {
            return UpstreamErrors.BadRequest($"Model {model} does not support the Responses-lite request format.");
        }

        if (declaresTools && !header)
        {
            return InvalidRequest("Invalid value: 'additional_tools'. This input item type requires the Responses-lite request format.", "input");
        }

        if (liteModel && body.TryGetProperty("tools", out _))
        {
            return UpstreamErrors.BadRequest("Unsupported parameter: tools");
        }

        return null;
    }

    private static ErrorScenario? ValidateTools(JsonElement body, JsonElement input)
    {
        if (body.TryGetProperty("tools", out var tools) && ValidateToolList(tools, "tools", "tools") is { } topLevel)
        {
            return topLevel;
        }

        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            if (item.TryGetProperty("type", out var type) && type.ValueEquals("additional_tools") && item.TryGetProperty("tools", out var declared)
                && ValidateToolList(declared, $"input[{index}].tools", "input") is { } rejection)
            {
                return rejection;
            }

            index++;
        }

        return null;
    }

    /// <summary>Function tools need a name the backend accepts and a parameters object; a namespace needs a name and
    /// a tools array, checked the same way.</summary>
    private static ErrorScenario? ValidateToolList(JsonElement tools, string path, string param)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return UpstreamErrors.BadRequest($"Invalid type for '{path}': expected an array.");
        }

        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"{path}[{index++}]";
            var type = tool.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is not ("function" or "namespace"))
            {
                continue;
            }

            var name = tool.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (name is not { Length: > 0 and <= 64 } || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return InvalidRequest($"Invalid '{at}.name': string does not match pattern '^[a-zA-Z0-9_-]{{1,64}}$'.", param);
            }

            if (type == "function" && (!tool.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object))
            {
                return InvalidRequest($"Missing required parameter: '{at}.parameters'.", param);
            }

            if (type == "namespace")
            {
                if (!tool.TryGetProperty("tools", out var inner))
                {
                    return InvalidRequest($"Missing required parameter: '{at}.tools'.", param);
                }

                if (ValidateToolList(inner, $"{at}.tools", param) is { } rejection)
                {
                    return rejection;
                }
            }
        }

        return null;
    }

    private static ErrorScenario? ValidateItems(JsonElement input)
    {
        var calls = new List<string>();
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in input.EnumerateArray())
        {
            var type = item.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "message":
                    var role = item.TryGetProperty("role", out var r) ? r.GetString() : null;
                    if (role == "system")
                    {
                        return UpstreamErrors.BadRequest("System messages are not allowed");
                    }

                    if (!MessageRoles.Contains(role) || !item.TryGetProperty("content", out _))
                    {
                        return InvalidRequest($"Invalid message item (role '{role}').", "input");
                    }

                    break;
                case "function_call":
                    var callId = item.TryGetProperty("call_id", out var c) ? c.GetString() : null;
                    if (callId is not { Length: > 0 and <= 64 } || !item.TryGetProperty("arguments", out var arguments)
                        || arguments.ValueKind != JsonValueKind.String)
                    {
                        return InvalidRequest("Invalid function_call item: call_id (max 64 chars) and string arguments are required.", "input");
                    }

                    calls.Add(callId);
                    break;
                case "function_call_output":
                    var outputFor = item.TryGetProperty("call_id", out var o) ? o.GetString() : null;
                    if (outputFor is null || !calls.Contains(outputFor))
                    {
                        return InvalidRequest($"No tool call found for function call output with call_id {outputFor}.", "input");
                    }

                    answered.Add(outputFor);
                    break;
                case "reasoning":
                    if (!item.TryGetProperty("encrypted_content", out var encrypted) || encrypted.ValueKind != JsonValueKind.String)
                    {
                        return InvalidRequest("Reasoning items replayed with store=false need encrypted_content.", "input");
                    }

                    break;
                case "additional_tools":
                    if (!item.TryGetProperty("tools", out var declared) || declared.ValueKind != JsonValueKind.Array
                        || !item.TryGetProperty("role", out var declaredRole) || !declaredRole.ValueEquals("developer"))
                    {
                        return InvalidRequest("Invalid additional_tools item: role 'developer' and a tools array are required.", "input");
                    }

                    break;
                case "web_search_call" or "custom_tool_call" or "custom_tool_call_output":
                    break;
                default:
                    return InvalidRequest($"Invalid value: '{type}'. Supported input item types are message, reasoning, function_call, function_call_output.", "input");
            }
        }

        var unanswered = calls.FirstOrDefault(call => !answered.Contains(call));
        return unanswered is null ? null : InvalidRequest($"No tool output found for function call {unanswered}.", "input");
    }

    private static ErrorScenario InvalidRequest(string message, string param) => new(400,
        $$$"""{"error":{"message":{{{Quote(message)}}},"type":"invalid_request_error","param":{{{Quote(param)}}},"code":null}}""");

    private static string Quote(string text) => JsonSerializer.Serialize(text, FakeJsonContext.Default.String);
}
