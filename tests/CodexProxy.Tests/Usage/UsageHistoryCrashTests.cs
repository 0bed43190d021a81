using CodexProxy.Tests.Fakes;
using CodexProxy.Tests.Hosting;
using CodexProxy.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static CodexProxy.Tests.Usage.UsageHistoryTestData;

namespace CodexProxy.Tests.Usage;

/// <summary>The real server, as a child process, killed (SIGKILL) while it serves requests and records them: every row
/// it committed is there and whole, and the history opens and takes new rows.</summary>
public sealed class UsageHistoryCrashTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("cxp-history-crash-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _home.Delete(recursive: true);
    }

    [Fact]
    public async Task ServerKilledWhileRecording_LeavesWholeRows_AndTheHistoryOpens()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL semantics are what this checks.");
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeCodexUpstream.StartAsync(ct);
        upstream.Responder = static _ => UpstreamScenario.Golden("text.sse");
        await using (var server = await ProxyProcess.StartAsync(upstream.BaseUrl, ct, home: _home))
        {
            var path = UsageDatabase.PathIn(_home.FullName);
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var senders = Enumerable.Range(0, 4).Select(_ => SendUntilStoppedAsync(server.Client, stopSending.Token)).ToList();

            await WaitForRowsAsync(path, 20, ct, TimeSpan.FromSeconds(60));
            await server.KillAsync(ct);
            await stopSending.CancelAsync();
            await Task.WhenAll(senders);
        }

        var dbPath = UsageDatabase.PathIn(_home.FullName);
        var rows = Count(dbPath);
        Assert.True(rows >= 20, $"{rows} rows survived");
        using (var connection = UsageDatabase.OpenForReading(dbPath)!)
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
            // text.sse's usage on every row: nothing half written.
            check.CommandText = """
                SELECT count(*) FROM requests WHERE input_tokens = 1520 AND cached_tokens = 1024 AND output_tokens = 38
                AND outcome = 'ok' AND api = 'anthropic' AND codex_model IS NOT NULL AND account = 'default'
                """;
            Assert.Equal(rows, (long)check.ExecuteScalar()!);
        }

        SqliteConnection.ClearAllPools();
        await using (var writer = new UsageHistoryWriter(dbPath, TimeProvider.System, NullLogger<UsageHistoryWriter>.Instance))
        {
            await writer.StartAsync(ct);
            writer.TryRecord(Row(DateTimeOffset.UtcNow));
        }

        Assert.Equal(rows + 1, Count(dbPath));
    }

    private static async Task SendUntilStoppedAsync(HttpClient client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = ProxyRequests.Post(ProxyRequests.Body(stream: true), path: "/v1/messages");
                using var response = await client.SendAsync(request, stop);
                await response.Content.ReadAsStringAsync(stop);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server was killed under this request, or the test stopped sending.
                await Task.Yield();
            }
        }
    }
}
