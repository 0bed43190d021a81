using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;

namespace CodexProxy.Tests.Codex;

/// <summary>
/// Claude Code-shaped requests go through the real proxy to the fake backend (serving the Codex CLI 0.169.0 catalogue,
/// filtered by <c>client_version</c>); what reaches the fake is compared with the official CLI's golden request for the
/// same scenario and model (<see cref="CodexCliParity"/>). Every difference must be listed, with its reason, in
/// <c>CodexCliParity.allow.json</c>, and every listed difference must still occur.
/// </summary>
public sealed class CodexCliParityTests
{
    private const string Session = "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    private const string CallId = "call_codex_cli_1";

    private static readonly string AllowListPath = Path.Combine(
        RepositoryPaths.Root, "tests", "CodexProxy.Tests", "Codex", "CodexCliParity.allow.json");

    [Fact]
    public async Task EveryDifferenceFromTheCodexCli_IsFixedOrListedWithAReason()
    {
        var found = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var model in new[] { "gpt-5.5", "gpt-6.1-sol" })
        {
            foreach (var scenario in new[] { "plain", "tool", "reasoning" })
            {
                var requests = await RunAsync(model, scenario);
                var goldens = Directory.EnumerateFiles(CodexCliGoldenFiles.Directory, $"{scenario}-{model}-*.json")
                    .Count(path => int.TryParse(Path.GetFileNameWithoutExtension(path)[$"{scenario}-{model}-".Length..], out _));
                Assert.True(goldens == requests.Count, $"{scenario}-{model}: the CLI sent {goldens} requests, the proxy {requests.Count}");
                for (var i = 0; i < requests.Count; i++)
                {
                    var name = $"{scenario}-{model}-{i + 1}";
                    var golden = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(CodexCliGoldenFiles.Directory, name + ".json"), TestContext.Current.CancellationToken))!.AsObject();
                    foreach (var difference in CodexCliParity.Compare(golden, requests[i]))
                    {
                        if (!found.TryGetValue(difference.Id, out var where))
                        {
                            found[difference.Id] = where = [];
                        }

                        where.Add($"{name}: {difference.Detail}");
                    }
                }
            }
        }

        using var allow = JsonDocument.Parse(await File.ReadAllTextAsync(AllowListPath, TestContext.Current.CancellationToken));
        var allowed = allow.RootElement.GetProperty("differences").EnumerateArray()
            .ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("reason").GetString()!, StringComparer.Ordinal);
        var unexplained = found.Where(f => !allowed.ContainsKey(f.Key)).Select(f => $"{f.Key}\n    {f.Value[0]}\n    in {string.Join(", ", f.Value.Select(w => w[..w.IndexOf(':', StringComparison.Ordinal)]).Distinct())}").ToList();
        var stale = allowed.Keys.Where(id => !found.ContainsKey(id)).ToList();
        Assert.True(unexplained.Count == 0, "Differences from the Codex CLI with no entry in CodexCliParity.allow.json:\n" + string.Join('\n', unexplained));
        Assert.True(stale.Count == 0, "Allow-list entries that no longer occur (remove them): " + string.Join(", ", stale));
        Assert.All(allowed.Values, reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
    }

    /// <summary>One Claude Code conversation for the scenario; returns the requests that reached the fake.</summary>
    private static async Task<IReadOnlyList<RecordedRequest>> RunAsync(string model, string scenario)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ModelsCatalogue = await File.ReadAllTextAsync(CodexCliCatalogue.FixturePath, ct);
        fake.Responder = request => request.Number > 1 || scenario == "plain"
            ? CodexCliAnswers.Text($"resp_cli_{request.Number}", "Done.")
            : CodexCliAnswers.ExecCommand($"resp_cli_{request.Number}", CallId, "echo CODEX_CLI_MARKER_42", codeMode: false, withReasoning: scenario == "reasoning");
        // The CLI's account, so the account header is compared by value.
        var credentials = new FixedCodexCredentials(FakeJwt.Create(FakeCodexUpstream.AccountId, "plus", DateTimeOffset.UtcNow.AddDays(1)), FakeCodexUpstream.AccountId);
        await using var proxy = await ProxyFixture.StartAsync(fake, new ProxyFixtureOptions { Credentials = credentials }, ct);
        var prompt = scenario switch
        {
            "plain" => "Say hello.",
            "tool" => "Run the marker command, then report.",
            _ => "Think, run the marker command, then report.",
        };
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = prompt }) });
        var answer = await PostAsync(proxy, model, messages, ct);
        if (scenario != "plain")
        {
            var content = answer["content"]!.AsArray();
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = content.DeepClone() });
            var toolUse = content.First(block => block!["type"]!.GetValue<string>() == "tool_use")!;
            messages.Add(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "tool_result",
                    ["tool_use_id"] = toolUse["id"]!.GetValue<string>(),
                    ["content"] = "CODEX_CLI_MARKER_42\n",
                }),
            });
            await PostAsync(proxy, model, messages, ct);
        }

        Assert.Empty(fake.Rejections);
        return fake.Requests;
    }

    /// <summary>Shaped like Claude Code 2.1.328's turn: system blocks with the attribution line, a shell tool,
    /// adaptive thinking shown as updates, its default effort, the session header and metadata.</summary>
    private static async Task<JsonObject> PostAsync(ProxyFixture proxy, string model, JsonArray messages, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages.DeepClone(),
            ["system"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "x-anthropic-billing-header: cc_version=2.1.328.abc; cc_entrypoint=sdk-cli;" },
                new JsonObject { ["type"] = "text", ["text"] = "You are Claude Code, Anthropic's official CLI for Claude.", ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } }),
            ["tools"] = new JsonArray(new JsonObject
            {
                ["name"] = "exec_command",
                ["description"] = "Executes a bash command.",
                ["input_schema"] = JsonNode.Parse("""{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"],"additionalProperties":false}"""),
            }),
            ["metadata"] = new JsonObject { ["user_id"] = $$"""{"device_id":"d","account_uuid":"","session_id":"{{Session}}"}""" },
            ["max_tokens"] = 128000,
            ["thinking"] = new JsonObject { ["type"] = "adaptive", ["display"] = "updates" },
            ["context_management"] = JsonNode.Parse("""{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]}"""),
            ["stream"] = false,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/messages?beta=true", UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Claude-Code-Session-Id", Session);
        using var response = await proxy.Client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }
}
