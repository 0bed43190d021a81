using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodexProxy.Auth;
using CodexProxy.Configuration;
using CodexProxy.Hosting;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>
/// The seed's troubleshooting checklist as code: health, port, login, upstream, Claude Code env, log. With
/// <paramref name="progress"/>, the upstream check (up to <see cref="UpstreamTimeout"/>) shows a spinner on a terminal.
/// </summary>
internal sealed class Doctor(
    IDictionary environment, HttpClient http, TimeProvider time, Func<int, IReadOnlyList<PortOwner>> findPortOwners, IAnsiConsole? progress = null)
{
    public const int LogLineCount = 120;

    public static readonly TimeSpan UpstreamTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Writes the report; returns 0 when every check passed, else 1.</summary>
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var failures = 0;
        async Task Report(DoctorCheck check)
        {
            failures += check.Passed ? 0 : 1;
            await output.WriteLineAsync(check.ToString());
        }

        ProxyOptions options;
        int port;
        try
        {
            options = ProxyOptions.FromVariables(environment);
            port = LocalProxy.ResolvePort(environment);
        }
        catch (InvalidOperationException e)
        {
            await Report(DoctorCheck.Fail($"Configuration: {e.Message}", "Correct or unset that environment variable."));
            return 1;
        }

        var health = await LocalProxy.ProbeAsync(http, port, cancellationToken);
        await Report(CheckHealth(port, health));
        await Report(CheckPort(port, health is not null));
        await Report(CheckLogin(options.TokensPath));
        await output.FlushAsync(cancellationToken);
        await Report(progress is null
            ? await CheckUpstreamAsync(options.CodexBaseUrl, cancellationToken)
            : await CliProgress.RunAsync(progress, $"Checking that {options.CodexBaseUrl} can be reached…",
                () => CheckUpstreamAsync(options.CodexBaseUrl, cancellationToken)));
        await Report(CheckBaseUrl(port));
        await Report(CheckApiKey());

        var logFile = LocalProxy.LogFilePath(environment);
        var lines = File.Exists(logFile) ? LogTail.Read(logFile, LogLineCount) : null;
        await Report(DoctorCheck.Pass(lines is null
            ? $"No log file yet at {logFile} (set LOG_FILE to choose another path)"
            : $"Log {logFile}: last {lines.Count} line(s) below"));
        foreach (var line in lines ?? [])
        {
            await output.WriteLineAsync("    │ " + line);
        }

        await output.WriteLineAsync(failures == 0 ? "All checks passed." : $"{failures} check(s) failed; see the fixes above.");
        return failures == 0 ? 0 : 1;
    }

    private static DoctorCheck CheckHealth(int port, HealthReport? health) => health is null
        ? DoctorCheck.Fail(
            $"No proxy answers http://127.0.0.1:{port}/health",
            "Start it: `chatgpt-codex-proxy start` (foreground) or `chatgpt-codex-proxy claude` (starts it in the background).")
        : DoctorCheck.Pass(
            $"Proxy answers http://127.0.0.1:{port}/health (version {health.Version}, logged in: {(health.Authenticated ? "yes" : "no")})");

    private DoctorCheck CheckPort(int port, bool proxyAnswers)
    {
        var owners = findPortOwners(port);
        var holders = string.Join(", ", owners.Select(Describe));
        if (proxyAnswers)
        {
            return DoctorCheck.Pass(owners.Count == 0 ? $"Port {port} is held by the proxy" : $"Port {port} is held by the proxy: {holders}");
        }

        if (owners.Count == 0)
        {
            return DoctorCheck.Pass($"Port {port} is free");
        }

        var kill = owners.FirstOrDefault(o => o.Pid is not null)?.Pid is { } pid ? $"stop it (kill {pid.ToString(CultureInfo.InvariantCulture)})" : "stop it";
        return DoctorCheck.Fail(
            $"Port {port} is taken by another program: {holders}",
            $"{char.ToUpperInvariant(kill[0])}{kill[1..]}, or use another port: CHATGPT_CODEX_PROXY_PORT=18080 chatgpt-codex-proxy claude");
    }

    private DoctorCheck CheckLogin(string tokensPath)
    {
        StoredTokens? tokens;
        try
        {
            tokens = JsonSerializer.Deserialize(File.ReadAllBytes(tokensPath), AuthJsonContext.Default.StoredTokens);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            tokens = null;
        }

        if (tokens is not { AccessToken.Length: > 0 })
        {
            return DoctorCheck.Fail($"Not logged in (no usable {tokensPath})", "Run `chatgpt-codex-proxy login`.");
        }

        var claims = JwtClaims.TryRead(tokens.AccessToken);
        var idClaims = tokens.IdToken is null ? null : JwtClaims.TryRead(tokens.IdToken);
        var who = (idClaims?.Email ?? claims?.Email) is { } email ? $" as {email}" : string.Empty;
        var plan = (claims?.PlanType ?? idClaims?.PlanType) is { } planType ? $" ({planType})" : string.Empty;
        var expiresAt = tokens.ExpiresAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAt) : claims?.ExpiresAt;
        if (expiresAt is not { } expiry)
        {
            return DoctorCheck.Pass($"Logged in{who}{plan}; the token's expiry is unknown");
        }

        var left = expiry - time.GetUtcNow();
        var at = expiry.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        if (left > TimeSpan.Zero)
        {
            return DoctorCheck.Pass($"Logged in{who}{plan}; access token expires in {Humanize(left)} ({at})");
        }

        return tokens.RefreshToken.Length > 0
            ? DoctorCheck.Pass($"Logged in{who}{plan}; access token expired {Humanize(-left)} ago ({at}) and is refreshed on the next request")
            : DoctorCheck.Fail($"Logged in{who}{plan}, but the access token expired {Humanize(-left)} ago and there is no refresh token",
                "Run `chatgpt-codex-proxy login` again.");
    }

    private async Task<DoctorCheck> CheckUpstreamAsync(Uri codexBaseUrl, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(UpstreamTimeout);
            // Any HTTP answer, even 403 or 404, proves the network path; credentials are checked by the login line.
            using var response = await http.GetAsync(codexBaseUrl, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return DoctorCheck.Pass($"Upstream {codexBaseUrl} reachable (HTTP {(int)response.StatusCode} in {elapsed:0} ms)");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = e is OperationCanceledException ? $"no answer within {UpstreamTimeout.TotalSeconds:0} s" : e.Message;
            return DoctorCheck.Fail(
                $"Upstream {codexBaseUrl} unreachable: {reason}",
                "Check the network connection, a corporate proxy (HTTPS_PROXY), or CODEX_BASE_URL.");
        }
    }

    private DoctorCheck CheckBaseUrl(int port)
    {
        var expected = LocalProxy.BaseUrl(port);
        var fix = $"Start Claude Code with `chatgpt-codex-proxy claude`, or `export ANTHROPIC_BASE_URL={expected.GetLeftPart(UriPartial.Authority)}`.";
        if (environment["ANTHROPIC_BASE_URL"] is not string { Length: > 0 } baseUrl)
        {
            return DoctorCheck.Fail("ANTHROPIC_BASE_URL is not set in this shell, so a plain `claude` goes to Anthropic", fix);
        }

        var pointsAtProxy = Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttp
            && uri.Port == port
            && (uri.IsLoopback || uri.Host == "localhost")
            && uri.AbsolutePath.TrimEnd('/').Length == 0;
        return pointsAtProxy
            ? DoctorCheck.Pass($"ANTHROPIC_BASE_URL points at the proxy ({baseUrl})")
            : DoctorCheck.Fail($"ANTHROPIC_BASE_URL is {baseUrl}, not the proxy on port {port}", fix);
    }

    private DoctorCheck CheckApiKey() =>
        environment["ANTHROPIC_API_KEY"] is string key && key.Trim().StartsWith("sk-ant-", StringComparison.Ordinal)
            ? DoctorCheck.Fail(
                "ANTHROPIC_API_KEY holds a real Anthropic key: Claude Code may use it instead of the proxy's placeholder (and ask to confirm it)",
                "`unset ANTHROPIC_API_KEY` in the shell that runs Claude Code; the proxy needs no key (any placeholder works).")
            : DoctorCheck.Pass("No conflicting ANTHROPIC_API_KEY (unset or a placeholder)");

    private static string Describe(PortOwner owner) => owner switch
    {
        { Pid: { } pid, Name: { } name } => $"pid {pid} ({name})",
        { Pid: { } pid } => $"pid {pid}",
        _ => "a process this user cannot see (try `sudo lsof -iTCP -sTCP:LISTEN -nP`)",
    };

    private static string Humanize(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{Math.Max(0, (int)span.TotalMinutes)} min";
}
