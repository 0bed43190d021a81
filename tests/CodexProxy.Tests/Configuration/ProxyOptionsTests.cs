using System.Collections;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using Xunit;

namespace CodexProxy.Tests.Configuration;

public sealed class ProxyOptionsTests
{
    [Fact]
    public void NoVariables_GiveTheDocumentedDefaults()
    {
        var options = ProxyOptions.FromVariables(new Hashtable());

        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(19080, options.Port);
        Assert.Equal("https://chatgpt.com/backend-api", options.CodexBaseUrl.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("https://auth.openai.com", options.AuthBaseUrl.AbsoluteUri.TrimEnd('/'));
        Assert.EndsWith(".chatgpt-codex-proxy", options.Home, StringComparison.Ordinal);
        Assert.True(options.Models.Passthrough);
        Assert.Null(options.Models.SonnetModel);
    }

    [Fact]
    public void Variables_OverrideDefaults()
    {
        var options = ProxyOptions.FromVariables(new Hashtable
        {
            ["PORT"] = "18080",
            ["HOST"] = "0.0.0.0",
            ["CODEX_BASE_URL"] = "http://127.0.0.1:5000/backend-api/",
            ["CHATGPT_CODEX_PROXY_HOME"] = "/tmp/x",
            ["ANTHROPIC_DEFAULT_OPUS_MODEL"] = "gpt-5.5-xhigh",
            ["PASSTHROUGH_MODE"] = "off",
        });

        Assert.Equal(18080, options.Port);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal("http://127.0.0.1:5000/backend-api", options.CodexBaseUrl.AbsoluteUri);
        Assert.Equal("/tmp/x/tokens.json", options.TokensPath);
        Assert.Equal("gpt-5.5-xhigh", options.Models.OpusModel);
        Assert.False(options.Models.Passthrough);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("Off", false)]
    public void PassthroughMode_AcceptsTheSeedsSpellings(string value, bool expected)
    {
        var options = ProxyOptions.FromVariables(new Hashtable { ["PASSTHROUGH_MODE"] = value });

        Assert.Equal(expected, options.Models.Passthrough);
    }

    [Theory]
    [InlineData("PORT", "abc")]
    [InlineData("PORT", "70000")]
    [InlineData("CODEX_BASE_URL", "not a url")]
    [InlineData("PASSTHROUGH_MODE", "maybe")]
    public void InvalidValue_FailsWithTheVariableName(string name, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProxyOptions.FromVariables(new Hashtable { [name] = value }));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}
