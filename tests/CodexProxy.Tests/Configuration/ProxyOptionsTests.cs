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
            ["PROXY_API_KEY"] = "pk-1234",
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
    [InlineData(null, "Auto")]
    [InlineData("auto", "Auto")]
    [InlineData("HTTP", "Http")]
    [InlineData("websocket", "WebSocket")]
    public void CodexTransport_IsAutoUnlessSet(string? value, string expected)
    {
        var options = ProxyOptions.FromVariables(value is null ? new Hashtable() : new Hashtable { ["CODEX_TRANSPORT"] = value });

        Assert.Equal(expected, options.Transport.ToString());
    }

    [Theory]
    [InlineData("CODEX_TRANSPORT", "carrier-pigeon")]
    [InlineData("PORT", "abc")]
    [InlineData("PORT", "70000")]
    [InlineData("PORT", "0")]
    [InlineData("CHATGPT_CODEX_PROXY_PORT", "abc")]
    [InlineData("CHATGPT_CODEX_PROXY_PORT", "0")]
    [InlineData("HOST", "my-host.example")]
    [InlineData("HOST", "0.0.0.0")]
    [InlineData("PROXY_API_KEY", "")]
    [InlineData("PROXY_API_KEY", "   ")]
    [InlineData("ALLOW_REMOTE_WITHOUT_KEY", "sure")]
    [InlineData("CODEX_BASE_URL", "not a url")]
    [InlineData("PASSTHROUGH_MODE", "maybe")]
    public void InvalidValue_FailsWithTheVariableName(string name, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProxyOptions.FromVariables(new Hashtable { [name] = value }));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, 19080)]
    [InlineData(null, "18000", 18000)]
    [InlineData("18080", "18000", 18080)]
    [InlineData(" 17000 ", null, 17000)]
    public void LocalProxyPort_IsTheProxyPortThenPortThenDefault(string? proxyPort, string? port, int expected)
    {
        var options = ProxyOptions.FromVariables(new Hashtable { ["CHATGPT_CODEX_PROXY_PORT"] = proxyPort, ["PORT"] = port });

        Assert.Equal(expected, options.LocalProxyPort);
        Assert.Equal(port is null ? 19080 : int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), options.Port);
    }

    [Fact]
    public void DefaultLogFile_IsInTheProxyHomesLogsDirectory()
    {
        var options = ProxyOptions.FromVariables(new Hashtable { ["CHATGPT_CODEX_PROXY_HOME"] = "/home/u/.proxy" });

        Assert.Equal("/home/u/.proxy/logs/chatgpt-codex-proxy.log", options.LogFile);
        Assert.Equal("/elsewhere/p.log", ProxyOptions.FromVariables(new Hashtable { ["LOG_FILE"] = "/elsewhere/p.log" }).LogFile);
        Assert.Equal("/h/logs/chatgpt-codex-proxy.log", (new ProxyOptions() with { Home = "/h" }).LogFile);
    }

    [Theory]
    [InlineData("0.0.0.0", "pk-1234", null)]
    [InlineData("0.0.0.0", null, "1")]
    [InlineData("::", null, "true")]
    [InlineData("::1", null, null)]
    [InlineData("localhost", null, null)]
    public void ReachableHost_StartsOnlyWithAKeyOrTheExplicitOverride(string host, string? key, string? allow)
    {
        var options = ProxyOptions.FromVariables(new Hashtable { ["HOST"] = host, ["PROXY_API_KEY"] = key, ["ALLOW_REMOTE_WITHOUT_KEY"] = allow });

        Assert.Equal(host, options.Host);
    }

    [Fact]
    public void ReachableHostWithoutKey_ErrorNamesBothWaysOut()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProxyOptions.FromVariables(new Hashtable { ["HOST"] = "192.168.1.5" }));

        Assert.Contains("PROXY_API_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("ALLOW_REMOTE_WITHOUT_KEY=1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void OptionsBuiltInCode_AreCheckedBeforeServing()
    {
        var exposed = new ProxyOptions { Host = "0.0.0.0", Port = 0 };

        Assert.Throws<InvalidOperationException>(exposed.EnsureValid);
        Assert.Throws<InvalidOperationException>(() => ProxyApp.Create(exposed));
        (exposed with { AllowRemoteWithoutKey = true }).EnsureValid();
        (exposed with { ProxyApiKey = "pk-1234" }).EnsureValid();
    }
}
