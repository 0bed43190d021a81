using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
        await WriteTokensAsync(ct);
        var port = ProxyFixture.FreePort();
        using var server = StartServer(upstream.BaseUrl, port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitForHealthAsync(client, server, ct);
            var path = UsageDatabase.PathIn(_home.FullName);
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var senders = Enumerable.Range(0, 4).Select(_ => SendUntilStoppedAsync(client, stopSending.Token)).ToList();

            await WaitForRowsAsync(path, 20, ct, TimeSpan.FromSeconds(60));
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(ct);
            await stopSending.CancelAsync();
            await Task.WhenAll(senders);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
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

    private Process StartServer(Uri codexBaseUrl, int port)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll"));
        start.ArgumentList.Add("start");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || k is "PROXY_API_KEY" or "HOST").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["CODEX_BASE_URL"] = codexBaseUrl.ToString().TrimEnd('/');
        start.Environment["CODEX_AUTH_BASE_URL"] = ProxyFixture.UnreachableUrl().ToString();
        start.Environment["CHATGPT_CODEX_PROXY_HOME"] = _home.FullName;
        start.Environment["LOG_FILE"] = Path.Combine(_home.FullName, "proxy.log");
        var process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForHealthAsync(HttpClient client, Process server, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(server.HasExited, "the server exited before answering /health");
            try
            {
                using var response = await client.GetAsync("/health", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "the server did not answer /health");
            await Task.Delay(50, ct);
        }
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

    private async Task WriteTokensAsync(CancellationToken ct)
    {
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);
        var tokens = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = FakeJwt.Create(ProxyFixture.AccountId, ProxyFixture.PlanType, expiresAt),
            ["refresh_token"] = ProxyFixture.RefreshToken,
            ["expires_at"] = expiresAt.ToUnixTimeMilliseconds(),
        });
        await File.WriteAllTextAsync(Path.Combine(_home.FullName, "tokens.json"), tokens, ct);
    }
}
