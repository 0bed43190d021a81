using System.Collections;
using CodexProxy.Cli;
using Xunit;

namespace CodexProxy.Tests.Cli;

public sealed class ClaudeEnvironmentTests
{
    [Fact]
    public void NothingSet_UsesGptFunctionDefaults()
    {
        var variables = ClaudeEnvironment.For(new Hashtable(), 19080);

        Assert.Equal("http://127.0.0.1:19080", variables["ANTHROPIC_BASE_URL"]);
        Assert.Equal("dummy", variables["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal("dummy", variables["ANTHROPIC_API_KEY"]);
        Assert.Equal("90000", variables["API_TIMEOUT_MS"]);
        Assert.Equal("1", variables["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]);
        Assert.Equal("true", variables["PASSTHROUGH_MODE"]);
        Assert.True(variables.ContainsKey("CLAUDE_CONFIG_DIR"));
        Assert.Null(variables["CLAUDE_CONFIG_DIR"]);
    }

    [Fact]
    public void UserValues_WinExceptBaseUrl()
    {
        var current = new Hashtable
        {
            ["ANTHROPIC_BASE_URL"] = "https://api.anthropic.com",
            ["ANTHROPIC_API_KEY"] = "key-from-user",
            ["API_TIMEOUT_MS"] = "600000",
            ["PASSTHROUGH_MODE"] = "false",
            ["CLAUDE_CONFIG_DIR"] = "/somewhere",
        };

        var variables = ClaudeEnvironment.For(current, 18080);

        Assert.Equal("http://127.0.0.1:18080", variables["ANTHROPIC_BASE_URL"]);
        Assert.Equal("key-from-user", variables["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal("key-from-user", variables["ANTHROPIC_API_KEY"]);
        Assert.Equal("600000", variables["API_TIMEOUT_MS"]);
        Assert.Equal("false", variables["PASSTHROUGH_MODE"]);
    }

    [Fact]
    public void AuthTokenSet_KeepsSeparateApiKey()
    {
        var variables = ClaudeEnvironment.For(new Hashtable { ["ANTHROPIC_AUTH_TOKEN"] = "tok", ["ANTHROPIC_API_KEY"] = "key" }, 19080);

        Assert.Equal("tok", variables["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Equal("key", variables["ANTHROPIC_API_KEY"]);
    }

    [Fact]
    public void ApplyTo_SetsAndRemoves()
    {
        var target = new Dictionary<string, string?> { ["CLAUDE_CONFIG_DIR"] = "/x", ["KEEP"] = "1" };

        ClaudeEnvironment.ApplyTo(target, ClaudeEnvironment.For(new Hashtable(), 19080));

        Assert.False(target.ContainsKey("CLAUDE_CONFIG_DIR"));
        Assert.Equal("1", target["KEEP"]);
        Assert.Equal("http://127.0.0.1:19080", target["ANTHROPIC_BASE_URL"]);
    }

    [Theory]
    [InlineData(null, null, 19080)]
    [InlineData(null, "18000", 18000)]
    [InlineData("18080", "18000", 18080)]
    [InlineData(" 17000 ", null, 17000)]
    public void ResolvePort_ProxyPortThenPortThenDefault(string? proxyPort, string? port, int expected)
    {
        var environment = new Hashtable { ["CHATGPT_CODEX_PROXY_PORT"] = proxyPort, ["PORT"] = port };

        Assert.Equal(expected, LocalProxy.ResolvePort(environment));
    }

    [Fact]
    public void ResolvePort_Garbage_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LocalProxy.ResolvePort(new Hashtable { ["CHATGPT_CODEX_PROXY_PORT"] = "abc" }));
        Assert.Contains("CHATGPT_CODEX_PROXY_PORT", error.Message, StringComparison.Ordinal);
    }
}
