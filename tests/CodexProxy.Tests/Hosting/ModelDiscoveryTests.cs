using System.Text.Json;
using System.Text.RegularExpressions;
using CodexProxy.Tests.Fakes;
using CodexProxy.Translation.Request;
using Xunit;

namespace CodexProxy.Tests.Hosting;

/// <summary>
/// <c>GET /v1/models</c> as Claude Code 2.1.328's gateway model discovery reads it
/// (<c>CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1</c>): <c>GET /v1/models?limit=1000</c>, a <c>data</c> array of
/// <c>{id, display_name?, description?}</c>, of which only ids matching <c>/(claude|anthropic)/i</c> are kept.
/// </summary>
public sealed partial class ModelDiscoveryTests
{
    private const string Catalogue = """
        {"models":[
          {"slug":"gpt-5.5","display_name":"GPT-5.5","visibility":"list","context_window":272000},
          {"slug":"gpt-5.4-mini","display_name":"GPT-5.4 mini","description":"Fast and affordable.","visibility":"list","context_window":128000},
          {"slug":"codex-auto-review","display_name":"Auto review","visibility":"hide","context_window":272000}]}
        """;

    [Fact]
    public async Task ClaudeCodesFilter_KeepsTodaysAliasesTheOlderOnesAndEveryLiveCodexModelWithItsWindow()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ModelsCatalogue = Catalogue;
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var document = JsonDocument.Parse(await proxy.Client.GetStringAsync(new Uri("/v1/models?limit=1000", UriKind.Relative), ct));
        var root = document.RootElement;
        var kept = root.GetProperty("data").EnumerateArray()
            .Where(m => ClaudeCodeDiscoveryFilter().IsMatch(m.GetProperty("id").GetString()!))
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.Clone());

        Assert.False(root.GetProperty("has_more").GetBoolean());
        Assert.All(ModelResolver.BuiltInTable.ClaudeModels, id => Assert.Contains(id, kept.Keys));
        Assert.Contains("claude-opus-5-5", kept.Keys);
        Assert.Contains("claude-haiku-4-5-20251001", kept.Keys);
        // gpt-6-luna is missing from this catalogue, so Haiku lands on its fast tier.
        Assert.Equal(128_000, kept["claude-haiku-5-5"].GetProperty("max_input_tokens").GetInt32());
        var mini = kept["claude-codex-gpt-5.4-mini"];
        Assert.Equal(("GPT-5.4 mini (Codex)", "gpt-5.4-mini", 128_000),
            (mini.GetProperty("display_name").GetString(), mini.GetProperty("maps_to").GetString(), mini.GetProperty("max_input_tokens").GetInt32()));
        Assert.Contains("128,000", mini.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(272_000, kept["claude-codex-gpt-5.5"].GetProperty("max_input_tokens").GetInt32());
        Assert.DoesNotContain("claude-codex-codex-auto-review", kept.Keys);
        Assert.All(kept.Values, m => Assert.Equal(JsonValueKind.String, m.GetProperty("display_name").ValueKind));
    }

    [Fact]
    public async Task DiscoveredCodexId_IsSentUpstreamAsTheCodexSlug()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ModelsCatalogue = Catalogue;
        fake.Enqueue(UpstreamScenario.Transcript("text-template.sse").With("TEXT", "hi"));
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);

        using var body = new StringContent("""{"model":"claude-codex-gpt-5.4-mini","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await proxy.Client.PostAsync(new Uri("/v1/messages", UriKind.Relative), body, ct);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("gpt-5.4-mini", Assert.Single(fake.Requests).Json?.GetProperty("model").GetString());
    }

    /// <summary>The real CLI: with discovery on, even a <c>-p</c> run fetches the list and caches what it kept (the
    /// models its <c>/model</c> picker then offers) in <c>~/.claude/cache/gateway-models.json</c>.</summary>
    [Fact(Timeout = 10 * 60 * 1000)]
    public async Task RealClaudeCode_CachesTheCodexModelsForItsPicker()
    {
        var ct = TestContext.Current.CancellationToken;
        var claude = await ClaudeCodeInstallation.EnsureInstalledAsync("2.1.328", ct);
        if (claude is null)
        {
            Assert.Skip("npm is not on PATH, so the pinned Claude Code CLI cannot be installed.");
        }

        await using var fake = await FakeCodexUpstream.StartAsync(ct);
        fake.ModelsCatalogue = Catalogue;
        fake.Responder = _ => UpstreamScenario.Transcript("text-template.sse").With("TEXT", "OK");
        await using var proxy = await ProxyFixture.StartAsync(fake, ct);
        var home = Directory.CreateTempSubdirectory("codex-proxy-cc-home-");
        var workDir = Directory.CreateTempSubdirectory("codex-proxy-cc-work-");
        try
        {
            var start = ClaudeCodeTests.StartInfo(claude, proxy.BaseAddress, home.FullName, workDir.FullName, "hi", model: null);
            start.Environment["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"] = "1";
            var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(start, TimeSpan.FromMinutes(2), ct);

            var cache = Path.Combine(home.FullName, ".claude", "cache", "gateway-models.json");
            Assert.True(File.Exists(cache), $"no {cache}\nexit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(cache, ct));
            var models = document.RootElement.GetProperty("models").EnumerateArray()
                .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("display_name").GetString());
            Assert.Equal("GPT-5.5 (Codex)", models["claude-codex-gpt-5.5"]);
            Assert.Equal("GPT-5.4 mini (Codex)", models["claude-codex-gpt-5.4-mini"]);
            Assert.Contains("claude-opus-5-5", models.Keys);
            Assert.DoesNotContain("gpt-5.5", models.Keys);
        }
        finally
        {
            home.Delete(recursive: true);
            workDir.Delete(recursive: true);
        }
    }

    /// <summary>The filter Claude Code 2.1.328 applies to the discovered ids.</summary>
    [GeneratedRegex("(claude|anthropic)", RegexOptions.IgnoreCase)]
    private static partial Regex ClaudeCodeDiscoveryFilter();
}
