using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CodexProxy.Tests.Fakes;

/// <summary>
/// The real proxy as a child process, as <c>./chatgpt-codex-proxy start</c> runs it: the binary <c>PROXY_BIN</c> names
/// (e.g. the AOT build, <c>scripts/publish-aot.sh</c>), else the JIT build beside the tests (<c>dotnet
/// chatgpt-codex-proxy.dll start</c>). It listens on a free loopback port with a temporary home holding a
/// <c>tokens.json</c>, default settings otherwise, and is killed by its process id on dispose. Linux only: CPU time and
/// peak RSS come from <c>/proc</c>.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    public const string BinaryVariable = "PROXY_BIN";

    private readonly Process _process;
    private readonly DirectoryInfo _home;
    private readonly bool _ownsHome;

    private ProxyProcess(Process process, DirectoryInfo home, bool ownsHome, Uri baseAddress, string binary)
    {
        _process = process;
        _home = home;
        _ownsHome = ownsHome;
        Binary = binary;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>What runs: the <c>PROXY_BIN</c> path, or the JIT build's dll.</summary>
    public string Binary { get; }

    public int Pid => _process.Id;

    /// <summary>An HttpClient whose base address is the proxy.</summary>
    public HttpClient Client { get; }

    public string LogFile => Path.Combine(_home.FullName, "proxy.log");

    /// <summary>utime + stime of the proxy so far (clock ticks, 10 ms on Linux).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The proxy's peak resident set since start or the last <see cref="ResetPeakRss"/> (<c>VmHWM</c>), in MB.</summary>
    public double PeakRssMb => StatusKilobytes("VmHWM:") / 1024.0;

    /// <summary>Starts the peak RSS over (writing 5 to <c>clear_refs</c> resets <c>VmHWM</c>).</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{Pid}/clear_refs", "5");

    /// <param name="environment">Settings to give the proxy on top of the defaults (e.g. <c>LOG_LEVEL</c>).</param>
    /// <param name="home">The proxy's home, kept on dispose (the caller reads what the proxy wrote); else a temporary one.</param>
    public static async Task<ProxyProcess> StartAsync(
        Uri codexBaseUrl, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null, DirectoryInfo? home = null)
    {
        var ownsHome = home is null;
        home ??= Directory.CreateTempSubdirectory("cxp-proxy-process-");
        await WriteTokensAsync(Path.Combine(home.FullName, "tokens.json"), cancellationToken);
        var port = ProxyFixture.FreePort();
        var binary = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } named
            ? Path.GetFullPath(named)
            : Path.Combine(AppContext.BaseDirectory, "chatgpt-codex-proxy.dll");
        var start = binary.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { binary, "start" } }
            : new ProcessStartInfo(binary) { ArgumentList = { "start" } };
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Default settings (CODEX_TRANSPORT=auto among them): nothing of the caller's configuration leaks in.
        foreach (var name in start.Environment.Keys.Where(IsProxySetting).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["CODEX_BASE_URL"] = codexBaseUrl.ToString().TrimEnd('/');
        start.Environment["CODEX_AUTH_BASE_URL"] = ProxyFixture.UnreachableUrl().ToString();
        start.Environment["CHATGPT_CODEX_PROXY_HOME"] = home.FullName;
        start.Environment["LOG_FILE"] = Path.Combine(home.FullName, "proxy.log");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new ProxyProcess(process, home, ownsHome, new Uri($"http://127.0.0.1:{port}"), binary);
        try
        {
            await proxy.WaitForHealthAsync(cancellationToken);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>The log file as written so far.</summary>
    public async Task<string> ReadLogAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(LogFile))
        {
            return string.Empty;
        }

        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Kills the proxy at once (SIGKILL), as a crash would, and waits for it to exit.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync(CancellationToken.None);
        _process.Dispose();
        if (!_ownsHome)
        {
            return;
        }

        try
        {
            _home.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static bool IsProxySetting(string name) =>
        name.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || name.StartsWith("CODEX_", StringComparison.Ordinal)
        || name.StartsWith("CHATGPT_CODEX_PROXY_", StringComparison.Ordinal)
        || name is "PROXY_API_KEY" or "HOST" or "PORT" or "LOG_LEVEL" or "LOG_FILE" or "PASSTHROUGH_MODE";

    private async Task WaitForHealthAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Binary} exited with {_process.ExitCode} before answering /health.");
            }

            try
            {
                using var response = await Client.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Binary} did not answer /health within 60 s.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private long StatusKilobytes(string field) =>
        File.ReadLines($"/proc/{Pid}/status")
            .Where(line => line.StartsWith(field, StringComparison.Ordinal))
            .Select(line => long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .First();

    private static async Task WriteTokensAsync(string path, CancellationToken cancellationToken)
    {
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);
        var tokens = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = FakeJwt.Create(ProxyFixture.AccountId, ProxyFixture.PlanType, expiresAt),
            ["refresh_token"] = ProxyFixture.RefreshToken,
            ["expires_at"] = expiresAt.ToUnixTimeMilliseconds(),
        });
        await File.WriteAllTextAsync(path, tokens, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
