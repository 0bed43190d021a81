using System.Collections;
using CodexProxy.Cli;
using Xunit;

namespace CodexProxy.Tests.Cli;

public sealed class ClaudeEnvironmentTests
{
    [Fact]
    public void NothingSet_PointsAtTheProxyWithAPlaceholderTokenAndTheRealWindow()
    {
        var variables = ClaudeEnvironment.For(new Hashtable(), 19080, proxyApiKey: null);

        Assert.Equal("http://127.0.0.1:19080", variables["ANTHROPIC_BASE_URL"]);
        Assert.Equal(ClaudeEnvironment.PlaceholderToken, variables["ANTHROPIC_AUTH_TOKEN"]);
        Assert.True(variables.ContainsKey("ANTHROPIC_API_KEY"));
        Assert.Null(variables["ANTHROPIC_API_KEY"]);
        Assert.Equal("90000", variables["API_TIMEOUT_MS"]);
        Assert.Equal("1", variables["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]);
        Assert.Equal("1", variables["CLAUDE_CODE_DISABLE_1M_CONTEXT"]);
        Assert.Equal("1", variables["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"]);
        Assert.Equal("true", variables["PASSTHROUGH_MODE"]);
        Assert.True(variables.ContainsKey("CLAUDE_CONFIG_DIR"));
        Assert.Null(variables["CLAUDE_CONFIG_DIR"]);
    }

    [Fact]
    public void UserValues_WinForTuningButNeverForUrlTokenOrApiKey()
    {
        var current = new Hashtable
        {
            ["ANTHROPIC_BASE_URL"] = "https://api.anthropic.com",
            ["ANTHROPIC_API_KEY"] = "sk-ant-api03-real-key",
            ["ANTHROPIC_AUTH_TOKEN"] = "users-own-token",
            ["API_TIMEOUT_MS"] = "600000",
            ["PASSTHROUGH_MODE"] = "false",
            ["CLAUDE_CODE_DISABLE_1M_CONTEXT"] = "0",
            ["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"] = "0",
            ["CLAUDE_CONFIG_DIR"] = "/somewhere",
        };

        var variables = ClaudeEnvironment.For(current, 18080, proxyApiKey: null);

        Assert.Equal("http://127.0.0.1:18080", variables["ANTHROPIC_BASE_URL"]);
        Assert.Equal(ClaudeEnvironment.PlaceholderToken, variables["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Null(variables["ANTHROPIC_API_KEY"]);
        Assert.Equal("600000", variables["API_TIMEOUT_MS"]);
        Assert.Equal("false", variables["PASSTHROUGH_MODE"]);
        Assert.Equal("0", variables["CLAUDE_CODE_DISABLE_1M_CONTEXT"]);
        Assert.Equal("0", variables["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"]);
    }

    [Fact]
    public void ProxyApiKeySet_IsTheBearerToken()
    {
        var variables = ClaudeEnvironment.For(new Hashtable { ["ANTHROPIC_API_KEY"] = "key" }, 19080, proxyApiKey: "pk-local-1234");

        Assert.Equal("pk-local-1234", variables["ANTHROPIC_AUTH_TOKEN"]);
        Assert.Null(variables["ANTHROPIC_API_KEY"]);
    }

    [Fact]
    public void ApplyTo_SetsAndRemoves()
    {
        var target = new Dictionary<string, string?> { ["CLAUDE_CONFIG_DIR"] = "/x", ["ANTHROPIC_API_KEY"] = "sk-ant-x", ["KEEP"] = "1" };

        ClaudeEnvironment.ApplyTo(target, ClaudeEnvironment.For(new Hashtable(), 19080, proxyApiKey: null));

        Assert.False(target.ContainsKey("CLAUDE_CONFIG_DIR"));
        Assert.False(target.ContainsKey("ANTHROPIC_API_KEY"));
        Assert.Equal("1", target["KEEP"]);
        Assert.Equal("http://127.0.0.1:19080", target["ANTHROPIC_BASE_URL"]);
    }
}
