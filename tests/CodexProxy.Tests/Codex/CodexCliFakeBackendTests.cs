using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CodexProxy.Tests.Codex.CodexCli;
using CodexProxy.Tests.Fakes;
using Xunit;
using ZstdSharp;

namespace CodexProxy.Tests.Codex;

/// <summary>The HTTPS <c>/backend-api</c> surface of <see cref="FakeCodexUpstream"/> that the Codex CLI needs, without the CLI.</summary>
public sealed class CodexCliFakeBackendTests
{
    [Fact]
    public async Task AccountsCheck_NamesTheFakeOriginAsWorkspaceBackend()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificates = ThrowawayCertificates.Create();
        await using var fake = await FakeCodexUpstream.StartAsync(ct, certificates.Server);
        using var client = TrustingClient(certificates);

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri(fake.BaseUrl, "/backend-api/wham/accounts/check"), ct));

        var account = Assert.Single(document.RootElement.GetProperty("accounts").EnumerateArray());
        Assert.Equal(fake.BaseUrl.GetLeftPart(UriPartial.Authority), account.GetProperty("workspace_backend_origin").GetString());
        Assert.Equal("NO_CONSTRAINT", account.GetProperty("account_routing_override").GetString());
        Assert.Equal(FakeCodexUpstream.AccountId, document.RootElement.GetProperty("default_account_id").GetString());
        Assert.StartsWith("https://127.0.0.1:", fake.BaseUrl.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZstdResponsesPost_IsRecordedDecompressedAndWebSocketAttemptGets426()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificates = ThrowawayCertificates.Create();
        await using var fake = await FakeCodexUpstream.StartAsync(ct, certificates.Server);
        fake.ValidateRequests = false;
        fake.Enqueue(CodexCliAnswers.Text("resp_1", "hi"));
        using var client = TrustingClient(certificates);
        var json = """{"model":"gpt-5.5","stream":true,"input":[]}""";
        using var compressor = new Compressor();
        using var content = new ByteArrayContent(compressor.Wrap(Encoding.UTF8.GetBytes(json)).ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("zstd");

        using var response = await client.PostAsync(new Uri(fake.BaseUrl, "/backend-api/codex/responses"), content, ct);
        var sse = await response.Content.ReadAsStringAsync(ct);
        using var upgrade = await client.GetAsync(new Uri(fake.BaseUrl, "/backend-api/codex/responses"), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("response.completed", sse, StringComparison.Ordinal);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("gpt-5.5", request.Json?.GetProperty("model").GetString());
        Assert.Equal(HttpStatusCode.UpgradeRequired, upgrade.StatusCode);
        Assert.Single(fake.WebSocketAttempts);
    }

    private static HttpClient TrustingClient(ThrowawayCertificates certificates)
    {
        var authority = certificates.Authority;
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    using var server = new X509Certificate2(certificate);
                    return chain.Build(server);
                },
            },
        };
        return new HttpClient(handler);
    }
}
