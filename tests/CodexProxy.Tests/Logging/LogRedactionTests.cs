using CodexProxy.Hosting;
using CodexProxy.Logging;
using CodexProxy.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;
using static CodexProxy.Tests.Fakes.UpstreamScript;

namespace CodexProxy.Tests.Logging;

public sealed class LogRedactionTests
{
    private const string ProxyKey = "pk-known-proxy-key-4242";
    private const string RefreshToken = "rt_known_refresh_token_value_9876";
    private const string IdToken = "eyJhbGciOiJub25lIn0.eyJlbWFpbCI6Imtub3duQGV4YW1wbGUuY29tIn0.aWQtc2lnbmF0dXJl";

    [Theory]
    [InlineData("Authorization: Bearer sk-abc.def-123", "sk-abc.def-123")]
    [InlineData("x-api-key=sk-ant-secret-1", "sk-ant-secret-1")]
    [InlineData("Cookie: __cf_bm=abc123; other=1", "abc123")]
    [InlineData("""{"access_token":"at-plain-secret","expires_in":3600}""", "at-plain-secret")]
    [InlineData("grant_type=refresh_token&refresh_token=rt_form_secret&client_id=x", "rt_form_secret")]
    [InlineData("""{"id_token": "opaque-id-secret"}""", "opaque-id-secret")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_DEF-123 in text", "eyJhbGciOiJIUzI1NiJ9")]
    public void Redact_RemovesSecretsInEveryShape(string line, string secret)
    {
        var redacted = LogRedactor.Redact(line);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(LogRedactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_LeavesOrdinaryLinesAlone()
    {
        const string Line = "req_1 POST /v1/messages model=claude-sonnet-4-5 sent=gpt-5.5 status=200 ttfb_ms=12";

        Assert.Equal(Line, LogRedactor.Redact(Line));
    }

    [Fact]
    public async Task RequestsAtTrace_WithKnownTokens_LeaveNoTokenInAnySink()
    {
        await using var proxy = await ProxyHarness.StartAsync(o => o with { ProxyApiKey = ProxyKey, LogLevel = LogLevel.Trace });
        // The upstream echoes secrets back in an error body; the user's prompt carries them too.
        proxy.Script = (http, attempt) => attempt % 2 == 0
            ? WriteSseAsync(http, TextTurn("ok"))
            : WriteErrorAsync(http, 500, $$"""{"detail":"bad token {{ProxyHarness.AccessToken}} refresh_token={{RefreshToken}}"}""");
        var prompt = $"my tokens: {ProxyHarness.AccessToken} {IdToken} refresh_token={RefreshToken} key {ProxyKey}";

        for (var i = 0; i < 4; i++)
        {
            using var request = ProxyRequests.Post(ProxyRequests.Body(i % 2 == 0, prompt), ProxyKey);
            request.Headers.TryAddWithoutValidation("Cookie", "session=cookie-secret-value");
            using var response = await proxy.Client.SendAsync(request, TestContext.Current.CancellationToken);
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        // What a careless auth log line would look like: a whole token response.
        var logger = proxy.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Test");
        logger.LogWarning("login finished: {Body}", $$"""{"access_token":"{{ProxyHarness.AccessToken}}","refresh_token":"{{RefreshToken}}","id_token":"{{IdToken}}"}""");
        await FaultMatrixTests.WaitUntilAsync(() => CountRequestLines(proxy.Console.ToString()) == 4);

        var sinks = new[] { proxy.Console.ToString(), await proxy.ReadLogFileAsync() };
        Assert.All(sinks, sink => Assert.Contains("Codex request body", sink, StringComparison.Ordinal));
        foreach (var secret in new[] { ProxyHarness.AccessToken, RefreshToken, IdToken, ProxyKey, "cookie-secret-value" })
        {
            Assert.All(sinks, sink => Assert.DoesNotContain(secret, sink, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task EachRequest_IsLoggedInOneLineWithModelsStatusTimingAndTokens()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Script = (http, _) => WriteSseAsync(http, TextTurn("ok", inputTokens: 321, outputTokens: 54));

        var (status, _, _) = await ProxyRequests.SendAsync(proxy.Client, ProxyRequests.Body(true));
        await FaultMatrixTests.WaitUntilAsync(() => CountRequestLines(proxy.Console.ToString()) == 1);

        Assert.Equal(200, status);
        var line = Assert.Single(proxy.Console.ToString().Split('\n'), l => l.Contains("POST /v1/messages", StringComparison.Ordinal));
        Assert.Matches(@"req_[0-9a-f]{24} POST /v1/messages model=claude-sonnet-4-5 sent=\S+ status=200 stream_error=- ttfb_ms=\d+ duration_ms=\d+ input_tokens=321 output_tokens=54", line);
    }

    private static int CountRequestLines(string log) =>
        log.Split('\n').Count(static l => l.Contains("POST /v1/messages model=", StringComparison.Ordinal));

    [Fact]
    public void RollingLogFile_RotatesAtItsLimit()
    {
        var directory = Directory.CreateTempSubdirectory("cxp-log-").FullName;
        try
        {
            var path = Path.Combine(directory, "proxy.log");
            using (var file = new RollingLogFile(path, maxBytes: 1000))
            {
                for (var i = 0; i < 50; i++)
                {
                    file.Write($"line {i:D3} {new string('x', 40)}{Environment.NewLine}");
                }
            }

            Assert.True(new FileInfo(path).Length <= 1000);
            Assert.True(new FileInfo(path + ".1").Length <= 1000);
            Assert.Contains("line 049", File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void BackgroundWriter_OnDispose_HasWrittenEveryLineInOrderToBothSinks()
    {
        var directory = Directory.CreateTempSubdirectory("cxp-log-").FullName;
        try
        {
            var path = Path.Combine(directory, "proxy.log");
            var console = new StringWriter();
            using (var writer = new BackgroundLogWriter(console, new RollingLogFile(path)))
            {
                for (var i = 0; i < 5000; i++)
                {
                    writer.Enqueue($"line {i:D4}");
                }
            }

            var expected = Enumerable.Range(0, 5000).Select(i => $"line {i:D4}").ToArray();
            Assert.Equal(expected, File.ReadAllLines(path));
            Assert.Equal(expected, console.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
