using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CodexProxy.Configuration;
using CodexProxy.Tests.Fakes;
using CodexProxy.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit;
using static CodexProxy.Tests.Usage.UsageHistoryTestData;

namespace CodexProxy.Tests.Hosting;

/// <summary>The usage history through the real proxy: what is recorded, and that a broken history never fails a request.</summary>
public sealed class UsageHistoryEndToEndTests
{
    private const string Session = "5f0c1b7e-1d2a-4c3b-9e8f-a1b2c3d4e5f6";

    [Fact]
    public async Task AnthropicAndBothOpenAIApis_AreRecordedWithTheBackendsTokensAndSessions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.Responder = static _ => UpstreamScenario.Golden("reasoning-text-tool.sse");
        await using var proxy = await ProxyFixture.StartAsync(upstream, ct);
        var path = UsageDatabase.PathIn(proxy.Home);

        Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: false, ct));
        Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: true, ct));
        using (var chat = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            chat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything");
            chat.Content = new StringContent("""{"model":"gpt-5.5","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
            using var response = await proxy.Client.SendAsync(chat, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var responses = new HttpRequestMessage(HttpMethod.Post, "/v1/responses"))
        {
            responses.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything");
            responses.Content = new StringContent("""{"model":"gpt-5.5","input":"hi","prompt_cache_key":"codex-thread-42"}""", Encoding.UTF8, "application/json");
            using var response = await proxy.Client.SendAsync(responses, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await WaitForRowsAsync(path, 4, ct);
        var rows = ReadRows(path);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row =>
        {
            // reasoning-text-tool.sse's usage: 18,234 input (16,128 cached), 212 output (96 reasoning).
            Assert.Equal((18234L, 16128L, 212L, 96L), (row.Input, row.Cached, row.Output, row.Reasoning));
            Assert.Equal(("default", "ok"), (row.Account, row.Outcome));
            Assert.True(row.DurationMs >= 0);
        });
        Assert.Equal(["anthropic", "anthropic", "chat.completions", "responses"], rows.Select(r => r.Api));
        Assert.Equal([Session, Session, null, "codex-thread-42"], rows.Select(r => r.Session));
        Assert.Equal(["claude-sonnet-4-5", "claude-sonnet-4-5", "gpt-5.5", "gpt-5.5"], rows.Select(r => r.RequestedModel));
        Assert.Equal("gpt-5.5", rows[2].CodexModel);
        var sent = upstream.Requests.Select(r => r.Json!.Value.GetProperty("model").GetString()).ToList();
        Assert.Equal(sent, rows.Select(r => r.CodexModel));

        var session = UsageHistoryReader.Session(path, Session);
        Assert.NotNull(session);
        Assert.Equal(16128.0 * 2 / (18234 * 2), session.Totals.CacheHitRatio);
    }

    [Fact]
    public async Task LockedHistory_NeverFailsARequest_IsLogged_AndCatchesUpWhenFree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions
        {
            CaptureLogs = true,
            Configure = builder => builder.Services.Replace(ServiceDescriptor.Singleton(services => new UsageHistoryWriter(
                UsageDatabase.PathIn(services.GetRequiredService<ProxyOptions>().Home), TimeProvider.System,
                services.GetRequiredService<ILogger<UsageHistoryWriter>>(), busyTimeout: TimeSpan.FromMilliseconds(300)))),
        }, ct);
        var path = UsageDatabase.PathIn(proxy.Home);
        Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: true, ct));
        await WaitForRowsAsync(path, 1, ct);

        using (var holder = UsageDatabase.OpenForWriting(path, TimeSpan.FromSeconds(1)))
        {
            UsageDatabase.Execute(holder, "BEGIN EXCLUSIVE");
            Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: true, ct));
            Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: false, ct));
            await WaitForLogAsync(proxy, "is locked by another process", ct);
            UsageDatabase.Execute(holder, "ROLLBACK");
        }

        Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: false, ct));
        await WaitForRowsAsync(path, 4, ct);
    }

    [Fact]
    public async Task CorruptHistory_NeverFailsARequest_IsMovedAsideAndLogged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
        await using var proxy = await ProxyFixture.StartAsync(upstream, new ProxyFixtureOptions
        {
            CaptureLogs = true,
            Adjust = options =>
            {
                File.WriteAllText(UsageDatabase.PathIn(options.Home), "this is not a SQLite database, just garbage bytes\n" + new string('x', 5000));
                return options;
            },
        }, ct);

        Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: true, ct));
        Assert.Equal(HttpStatusCode.OK, await SendMessagesAsync(proxy, stream: false, ct));

        var path = UsageDatabase.PathIn(proxy.Home);
        await WaitForRowsAsync(path, 2, ct);
        await WaitForLogAsync(proxy, "moved it aside", ct);
        Assert.Single(Directory.GetFiles(proxy.Home, "usage.db.corrupt-*"));
    }

    private static async Task<HttpStatusCode> SendMessagesAsync(ProxyFixture proxy, bool stream, CancellationToken ct)
    {
        using var request = ProxyRequests.Post(ProxyRequests.Body(stream));
        request.Headers.TryAddWithoutValidation("X-Claude-Code-Session-Id", Session);
        using var response = await proxy.Client.SendAsync(request, ct);
        await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode;
    }

    private static async Task WaitForLogAsync(ProxyFixture proxy, string text, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(await proxy.ReadLogFileAsync(ct)).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line with '{text}'");
            await Task.Delay(20, ct);
        }
    }

    private static List<Row> ReadRows(string path)
    {
        using var connection = UsageDatabase.OpenForReading(path)!;
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT account, session, api, requested_model, codex_model, input_tokens, cached_tokens, output_tokens, reasoning_tokens,
                   duration_ms, outcome FROM requests ORDER BY id
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.GetInt64(9), reader.GetString(10)));
        }

        SqliteConnection.ClearAllPools();
        return rows;
    }

    private sealed record Row(
        string Account, string? Session, string Api, string RequestedModel, string CodexModel, long Input, long Cached, long Output,
        long Reasoning, long DurationMs, string Outcome);
}
