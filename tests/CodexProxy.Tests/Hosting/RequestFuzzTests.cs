using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>Seeded fuzzing of Claude Code-shaped requests through the real server: every answer is a well-formed
/// 2xx or 4xx (never a 500, never a dropped connection) and the server keeps serving.</summary>
public sealed class RequestFuzzTests
{
    private const int Seed = 20261201;
    private const int Requests = 10_000;

    private const string BaseRequest = """
        {"model":"claude-sonnet-4-5","max_tokens":32000,"stream":true,
         "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}],
         "messages":[
          {"role":"user","content":[{"type":"text","text":"list the files"}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"plan","signature":"cxp1.rs_1.gAAAA"},
            {"type":"text","text":"Running it."},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a.txt"}],"is_error":false},
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}],
         "tools":[{"name":"Bash","description":"Run a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}}],
         "tool_choice":{"type":"auto"},"thinking":{"type":"enabled","budget_tokens":1024},
         "metadata":{"user_id":"user_abc"},"temperature":1,"stop_sequences":["END"]}
        """;

    [Fact]
    public async Task TenThousandMutatedRequests_AllGetWellFormed2xxOr4xx()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var failures = new List<string>();

        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (i, cancellationToken) =>
            {
                var body = Mutate(new Random(Seed + i));
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await proxy.Client.PostAsync("/v1/messages", content, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (Problem((int)response.StatusCode, text) is { } problem)
                {
                    lock (failures)
                    {
                        failures.Add($"#{i}: {problem} for {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}");
                    }
                }
            });

        var causes = proxy.Console.ToString().Split('\n').SkipWhile(static l => !l.Contains("NullReferenceException", StringComparison.Ordinal)).Take(12);
        Assert.True(failures.Count == 0,
            $"{failures.Count} bad answers, e.g.\n{string.Join('\n', failures.Take(5))}\nLogged causes:\n{string.Join('\n', causes)}");
        var (status, _, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(false));
        Assert.Equal(200, status);
    }

    private static string? Problem(int status, string body)
    {
        if (status is >= 400 and < 500)
        {
            return ProxyRequests.ErrorType(body) is null ? $"{status} without an Anthropic error body" : null;
        }

        if (status != 200)
        {
            return $"status {status}: {body[..Math.Min(body.Length, 200)]}";
        }

        return body.StartsWith('{')
            ? (body.Contains("\"type\":\"message\"", StringComparison.Ordinal) ? null : "200 without a message")
            : (body.Contains("event: message_stop", StringComparison.Ordinal) ? null : "stream without message_stop");
    }

    private static byte[] Mutate(Random random)
    {
        var root = JsonNode.Parse(BaseRequest)!;
        root["stream"] = random.Next(2) == 0;
        var rounds = random.Next(0, 4);
        for (var round = 0; round < rounds; round++)
        {
            var nodes = Collect(root);
            var target = nodes[random.Next(nodes.Count)];
            switch (random.Next(7))
            {
                case 0:
                    Replace(target, RandomValue(random));
                    break;
                case 1:
                    Remove(target);
                    break;
                case 2:
                    Replace(target, Nest(random.Next(2) == 0, random.Next(50, 400)));
                    break;
                case 3:
                    Replace(target, random.Next(50) == 0 ? new string('y', 2_000_000) : new string('z', random.Next(1, 5000)));
                    break;
                case 4:
                    if (root["messages"] is JsonArray { Count: > 0 } messages && messages[random.Next(messages.Count)] is JsonObject message)
                    {
                        message["role"] = RandomRole(random);
                    }

                    break;
                case 5:
                    if (root["messages"] is JsonArray { Count: > 0 } list && list[random.Next(list.Count)] is JsonObject { } turn
                        && turn["content"] is JsonArray { Count: > 0 } blocks && blocks[random.Next(blocks.Count)] is JsonObject block)
                    {
                        block["type"] = random.Next(2) == 0 ? "hologram" : "";
                    }

                    break;
                default:
                    Replace(target, JsonValue.Create(random.NextDouble() * 1e20));
                    break;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString());
        return random.Next(10) switch
        {
            0 => bytes[..random.Next(bytes.Length)],
            1 => Corrupt(bytes, random, [0xC3, 0x28]),
            2 => Corrupt(bytes, random, [0xFF, 0xFE, 0x80]),
            _ => bytes,
        };
    }

    private static List<JsonNode> Collect(JsonNode root)
    {
        var nodes = new List<JsonNode>();
        var pending = new Stack<JsonNode>([root]);
        while (pending.TryPop(out var node))
        {
            nodes.Add(node);
            var children = node switch
            {
                JsonObject o => o.Select(static p => p.Value),
                JsonArray a => a,
                _ => Enumerable.Empty<JsonNode?>(),
            };
            foreach (var child in children.OfType<JsonNode>())
            {
                pending.Push(child);
            }
        }

        return nodes.Count > 1 ? nodes.Skip(1).ToList() : nodes;
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = value;
                break;
            case JsonArray parent:
                parent[target.GetElementIndex()] = value;
                break;
        }
    }

    private static void Remove(JsonNode target)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case JsonArray parent:
                parent.RemoveAt(target.GetElementIndex());
                break;
        }
    }

    private static JsonNode? RandomValue(Random random) => random.Next(7) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-5, 5)),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => JsonValue.Create("s"),
        4 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
        5 => new JsonObject { ["type"] = "text" },
        _ => JsonValue.Create(long.MaxValue),
    };

    private static JsonNode RandomRole(Random random) => random.Next(5) switch
    {
        0 => "system",
        1 => "tool",
        2 => "",
        3 => JsonValue.Create(42),
        _ => "developer",
    };

    private static JsonNode Nest(bool arrays, int depth)
    {
        JsonNode node = JsonValue.Create("deep");
        for (var i = 0; i < depth; i++)
        {
            node = arrays ? new JsonArray(node) : new JsonObject { ["a"] = node };
        }

        return node;
    }

    private static byte[] Corrupt(byte[] bytes, Random random, byte[] garbage)
    {
        var at = random.Next(bytes.Length);
        return [.. bytes[..at], .. garbage, .. bytes[at..]];
    }
}
