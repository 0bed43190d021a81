using System.Collections;
using System.Text.Json;
using CodexProxy.Cli;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using CodexProxy.Tests.Auth;
using CodexProxy.Tests.Fakes;
using Spectre.Console;
using Xunit;

namespace CodexProxy.Tests.Cli;

public sealed class ModelsCommandTests
{
    // The fake login's plan is "pro" (FakeOAuthServer.Plan). gpt-6-astra (opus's default) is missing on purpose.
    private const string CatalogJson = """
        {"models":[
          {"slug":"gpt-6.1-sol","display_name":"GPT-6.1-Sol","description":"Latest workhorse model.","visibility":"list","priority":1,"context_window":272000,"available_in_plans":["plus","pro"]},
          {"slug":"gpt-6-luna","display_name":"GPT-6-Luna","description":"Fast and affordable model for easier tasks.","visibility":"list","priority":4,"context_window":128000},
          {"slug":"gpt-5.5","display_name":"GPT-5.5","description":"Legacy coding model.","visibility":"list","priority":13,"context_window":272000,"upgrade":{"model":"gpt-6.1-sol"}},
          {"slug":"gpt-5.3-codex-spark","display_name":"Spark","visibility":"list","priority":20,"context_window":100000,"available_in_plans":["pro"]},
          {"slug":"gpt-6.1-team","display_name":"Team only","visibility":"list","priority":21,"context_window":272000,"available_in_plans":["team"]},
          {"slug":"codex-auto-review","display_name":"Auto review","visibility":"hide","priority":43,"context_window":272000}]}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LiveCatalogue_TableShowsEveryModelItsPlanAvailabilityAndWhereTheAliasesLandToday()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ModelsCatalogue = CatalogJson;
        var seeded = env.SeedLogin(TimeSpan.FromHours(2));

        var (exitCode, text) = await RunAsync(env, Options(env, upstream), json: false);

        Assert.Equal(0, exitCode);
        Assert.Equal("Bearer " + seeded.AccessToken, upstream.ModelsAuthorization);
        Assert.Contains("Live model catalogue (plan: pro)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("built-in", text, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"│ gpt-6\.1-sol +│ GPT-6\.1-Sol +│ +272,000 │ yes +│ sonnet \(from request\) +│", text);
        Assert.Matches(@"│ +│ +│ +│ +│ opus \(from request\) +│", text);
        Assert.Matches(@"│ gpt-6-luna +│ GPT-6-Luna +│ +128,000 │ yes +│ haiku \(from request\) +│", text);
        Assert.Matches(@"│ gpt-5\.5 +│ GPT-5\.5 \(legacy → gpt-6\.1-sol\) +│ +272,000 │ yes +│ +│", text);
        Assert.Matches(@"│ gpt-5\.3-codex-spark +│ Spark +│ +100,000 │ yes +│ +│", text);
        Assert.Matches(@"│ gpt-6\.1-team +│ Team only +│ +272,000 │ no +│ +│", text);
        Assert.Matches(@"│ codex-auto-review +│ Auto review \(hidden\) +│ +272,000 │ yes +│ +│", text);
        Assert.DoesNotContain("is a legacy model", text, StringComparison.Ordinal);
        Assert.DoesNotContain(seeded.AccessToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AliasColumn_HonoursTheEnvironmentOverridesAsGiven_AndSaysWhenOneIsLegacy()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ModelsCatalogue = CatalogJson;
        env.SeedLogin(TimeSpan.FromHours(2));
        var options = Options(env, upstream, new Hashtable
        {
            ["ANTHROPIC_DEFAULT_OPUS_MODEL"] = "gpt-5.3-codex-spark-xhigh",
            ["ANTHROPIC_DEFAULT_HAIKU_MODEL"] = "gpt-9-nano",
            ["ANTHROPIC_DEFAULT_SONNET_MODEL"] = "gpt-5.5",
        });

        var (exitCode, text) = await RunAsync(env, options, json: false);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"│ gpt-5\.5 +│ GPT-5\.5 \(legacy → gpt-6\.1-sol\) +│ +272,000 │ yes +│ sonnet \(from request\) +│", text);
        Assert.Matches(@"│ gpt-5\.3-codex-spark +│ Spark +│ +100,000 │ yes +│ opus \(xhigh\) +│", text);
        Assert.Matches(@"│ gpt-6-luna +│ GPT-6-Luna +│ +128,000 │ yes +│ +│", text);
        Assert.Matches(@"│ gpt-9-nano +│ \(not in the catalogue\) +│ +- │ unknown +│ haiku \(from request\) +│", text);
        Assert.Contains("sonnet → gpt-5.5 is a legacy model; the catalogue replaces it with gpt-6.1-sol", text, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_DEFAULT_SONNET_MODEL=gpt-6.1-sol", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotLoggedIn_SaysSo_ShowsTheBuiltInCatalogue_AndExitsOne()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ModelsCatalogue = CatalogJson;

        var (exitCode, text) = await RunAsync(env, Options(env, upstream), json: false);

        Assert.Equal(1, exitCode);
        Assert.Contains("Not logged in to ChatGPT", text, StringComparison.Ordinal);
        Assert.Contains("login", text, StringComparison.Ordinal);
        Assert.Contains("Built-in model catalogue (not the live one)", text, StringComparison.Ordinal);
        Assert.Matches(@"│ gpt-6\.1-sol +│ GPT-6\.1-Sol +│ +272,000 │ unknown +│ sonnet \(from request\) +│", text);
        Assert.Null(upstream.ModelsAuthorization);
    }

    [Theory]
    [InlineData(500, "the backend had a server error (HTTP 500)")]
    [InlineData(401, "the backend refused the login (HTTP 401)")]
    public async Task UpstreamError_ShowsTheBuiltInCatalogueLabelled_AndExitsZero(int status, string explanation)
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ModelsCatalogue = CatalogJson;
        upstream.ModelsFailureStatus = status;
        env.SeedLogin(TimeSpan.FromHours(2));

        var (exitCode, text) = await RunAsync(env, Options(env, upstream), json: false);

        Assert.Equal(0, exitCode);
        Assert.Contains("Could not fetch the live model catalogue", text, StringComparison.Ordinal);
        Assert.Contains(explanation, text, StringComparison.Ordinal);
        Assert.Contains("Built-in model catalogue (not the live one)", text, StringComparison.Ordinal);
        Assert.Contains("Showing the built-in catalogue (a copy of Codex CLI 0.169.0's)", text, StringComparison.Ordinal);
        Assert.Matches(@"│ gpt-6-luna +│ GPT-6-Luna +│ +272,000 │ unknown +│ haiku \(from request\) +│", text);
        Assert.Matches(@"│ gpt-6-astra +│ GPT-6-Astra +│ +272,000 │ unknown +│ opus \(from request\) +│", text);
        Assert.DoesNotContain("Spark", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableUpstream_SaysWhy_AndExitsZero()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        env.SeedLogin(TimeSpan.FromHours(2));
        var options = ProxyOptions.FromVariables(new Hashtable
        {
            ["CHATGPT_CODEX_PROXY_HOME"] = env.Home,
            ["CODEX_AUTH_BASE_URL"] = env.Server.BaseUrl.ToString(),
            ["CODEX_BASE_URL"] = $"http://127.0.0.1:{ProxyFixture.FreePort()}",
        });

        var (exitCode, text) = await RunAsync(env, options, json: false);

        Assert.Equal(0, exitCode);
        Assert.Contains("Could not fetch the live model catalogue", text, StringComparison.Ordinal);
        Assert.Contains("refused", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Built-in model catalogue", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ParsesWithEveryModelPlanAliasAndReplacement()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ModelsCatalogue = CatalogJson;
        env.SeedLogin(TimeSpan.FromHours(2));

        var (exitCode, text) = await RunAsync(env, Options(env, upstream), json: true);

        Assert.Equal(0, exitCode);
        var report = JsonSerializer.Deserialize(text, ModelsReportJsonContext.Default.ModelsReport)!;
        Assert.Equal("live", report.Source);
        Assert.Equal("pro", report.Plan);
        Assert.Null(report.Error);
        Assert.Equal(new Uri(upstream.BaseUrl, "codex/models?client_version=0.169.0").AbsoluteUri, report.Url);
        Assert.Equal(["gpt-6.1-sol", "gpt-6-luna", "gpt-5.5", "gpt-5.3-codex-spark", "gpt-6.1-team", "codex-auto-review"], report.Models.Select(m => m.Slug));
        var flagship = report.Models[0];
        Assert.Equal(("GPT-6.1-Sol", 272_000, true), (flagship.DisplayName, flagship.ContextWindow, flagship.Usable));
        Assert.Equal([("sonnet", null), ("opus", null)], flagship.Aliases.Select(a => (a.Name, a.Effort)));
        Assert.Equal("gpt-6.1-sol", report.Models[2].ReplacedBy);
        Assert.False(report.Models[4].Usable);
        Assert.False(report.Models[5].Listed);
        using var raw = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Null, raw.RootElement.GetProperty("models")[0].GetProperty("aliases")[0].GetProperty("effort").ValueKind);
        Assert.Equal(128_000, raw.RootElement.GetProperty("models")[1].GetProperty("context_window").GetInt32());
    }

    [Fact]
    public async Task Json_WhenNotLoggedIn_CarriesTheErrorAndTheBuiltInCatalogue()
    {
        await using var env = await AuthTestEnvironment.CreateAsync();
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);

        var (exitCode, text) = await RunAsync(env, Options(env, upstream), json: true);

        Assert.Equal(1, exitCode);
        var report = JsonSerializer.Deserialize(text, ModelsReportJsonContext.Default.ModelsReport)!;
        Assert.Equal("built-in", report.Source);
        Assert.True(report.NotLoggedIn);
        Assert.Contains("Not logged in", report.Error, StringComparison.Ordinal);
        Assert.All(report.Models, m => Assert.Null(m.Usable));
    }

    [Fact]
    public async Task Cli_WithRedirectedOutput_PrintsPureJson_AndHelpListsTheCommand()
    {
        await using var upstream = await FakeCodexUpstream.StartAsync(Ct);
        upstream.ModelsCatalogue = CatalogJson;
        var home = Directory.CreateTempSubdirectory("cxp-models-");
        try
        {
            var access = FakeOAuthServer.MakeJwt(DateTimeOffset.UtcNow.AddHours(2), "cli");
            await File.WriteAllTextAsync(Path.Combine(home.FullName, "tokens.json"),
                $$"""{"access_token":"{{access}}","refresh_token":"rt","expires_at":4102444800000}""", Ct);
            var variables = new Dictionary<string, string>
            {
                ["CHATGPT_CODEX_PROXY_HOME"] = home.FullName,
                ["CODEX_BASE_URL"] = upstream.BaseUrl.ToString(),
            };

            var (exitCode, stdout, stderr) = await CliTestSupport.RunCliAsync(["models", "--json"], variables, TimeSpan.FromSeconds(60), Ct);
            var help = await CliTestSupport.RunCliAsync(["--help"], variables, TimeSpan.FromSeconds(60), Ct);

            Assert.True(exitCode == 0, stderr);
            Assert.StartsWith("{", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', stdout);
            var report = JsonSerializer.Deserialize(stdout, ModelsReportJsonContext.Default.ModelsReport)!;
            Assert.Equal("live", report.Source);
            Assert.Equal(6, report.Models.Count);
            Assert.Contains("models", help.Stdout, StringComparison.Ordinal);
            Assert.Contains("model catalogue", help.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static ProxyOptions Options(AuthTestEnvironment env, FakeCodexUpstream upstream, Hashtable? extra = null)
    {
        var variables = new Hashtable
        {
            ["CHATGPT_CODEX_PROXY_HOME"] = env.Home,
            ["CODEX_AUTH_BASE_URL"] = env.Server.BaseUrl.ToString(),
            ["CODEX_BASE_URL"] = upstream.BaseUrl.ToString(),
        };
        foreach (DictionaryEntry entry in extra ?? [])
        {
            variables[entry.Key] = entry.Value;
        }

        return ProxyOptions.FromVariables(variables);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(AuthTestEnvironment env, ProxyOptions options, bool json)
    {
        var (console, output) = CliTestSupport.PlainConsole();
        using var http = new HttpClient();
        var exitCode = await ModelsCommand.RunAsync(env.CreateComponents(), options, http, console, json, Ct);
        return (exitCode, output.ToString());
    }
}
