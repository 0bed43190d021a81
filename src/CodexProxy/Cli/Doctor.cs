using System.Collections;
using System.Diagnostics;
using System.Globalization;
using CodexProxy.Auth;
using CodexProxy.Configuration;
using CodexProxy.Formatting;
using CodexProxy.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>
/// The troubleshooting checklist as code: health, port, login, upstream, then hints for people who start Claude Code
/// themselves, then this user's log. Only the proxy, the login and the upstream can fail it: <c>claude</c> sets Claude
/// Code's environment itself, so the environment checks are hints. With <paramref name="progress"/>, the upstream check
/// (up to <see cref="UpstreamTimeout"/>) shows a spinner on a terminal.
/// </summary>
internal sealed class Doctor(
    IDictionary environment, HttpClient http, TimeProvider time, Func<int, IReadOnlyList<PortOwner>> findPortOwners, IAnsiConsole? progress = null)
{
    public const int LogLineCount = 20;

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
        try
        {
            options = ProxyOptions.FromVariables(environment);
        }
        catch (InvalidOperationException e)
        {
            await Report(DoctorCheck.Fail($"Configuration: {e.Message}", "Correct or unset that environment variable."));
            return 1;
        }

        var port = options.LocalProxyPort;
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
        await Report(CheckContextWindow());

        var logFile = options.LogFile;
        var excerpt = LogTail.ReadExcerpt(logFile, LogLineCount);
        await Report(excerpt switch
        {
            { Problem: { } problem } => DoctorCheck.Hint($"Log {logFile} is not shown: {problem}", "Set LOG_FILE to a file of your own, or unset it."),
            { Lines.Count: 0 } => DoctorCheck.Pass($"No log lines yet in {logFile} (set LOG_FILE to choose another path)"),
            _ => DoctorCheck.Pass($"Log {logFile}: last {excerpt.Lines.Count} line(s) below"),
        });
        foreach (var line in excerpt.Lines)
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
        if (proxyAnswers && ProxyOwnership.Refusal(port, owners, Logging.FileStatus.EffectiveUserId) is { } refusal)
        {
            return DoctorCheck.Fail(refusal, "Stop that proxy, or use another port as shown.");
        }

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

    /// <summary>Reads the login exactly as <c>status</c> and the server do: <see cref="TokenStore"/>, then the
    /// tokens' own identity and expiry.</summary>
    private DoctorCheck CheckLogin(string tokensPath)
    {
        var tokens = new TokenStore(tokensPath, NullLogger.Instance).Load();
        if (tokens is null)
        {
            return DoctorCheck.Fail($"Not logged in (no usable {tokensPath})", "Run `chatgpt-codex-proxy login`.");
        }

        var identity = tokens.ReadIdentity();
        var who = identity?.Email is { } email ? $" as {email}" : string.Empty;
        var plan = identity?.PlanType is { } planType ? $" ({planType})" : string.Empty;
        if (tokens.ResolveExpiry() is not { } expiry)
        {
            return DoctorCheck.Pass($"Logged in{who}{plan}; the token's expiry is unknown");
        }

        var left = expiry - time.GetUtcNow();
        var at = expiry.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        if (left > TimeSpan.Zero)
        {
            return DoctorCheck.Pass($"Logged in{who}{plan}; access token expires in {DurationText.Format(left)} ({at})");
        }

        return tokens.RefreshToken.Length > 0
            ? DoctorCheck.Pass($"Logged in{who}{plan}; access token expired {DurationText.Format(-left)} ago ({at}) and is refreshed on the next request")
            : DoctorCheck.Fail($"Logged in{who}{plan}, but the access token expired {DurationText.Format(-left)} ago and there is no refresh token",
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
        var fix = $"Start Claude Code with `chatgpt-codex-proxy claude` (it sets this), or `export ANTHROPIC_BASE_URL={expected.GetLeftPart(UriPartial.Authority)}`.";
        if (environment["ANTHROPIC_BASE_URL"] is not string { Length: > 0 } baseUrl)
        {
            return DoctorCheck.Hint("ANTHROPIC_BASE_URL is not set in this shell, so a plain `claude` goes to Anthropic", fix);
        }

        var pointsAtProxy = Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttp
            && uri.Port == port
            && (uri.IsLoopback || uri.Host == "localhost")
            && uri.AbsolutePath.TrimEnd('/').Length == 0;
        return pointsAtProxy
            ? DoctorCheck.Pass($"ANTHROPIC_BASE_URL points at the proxy ({baseUrl})")
            : DoctorCheck.Hint($"ANTHROPIC_BASE_URL is {baseUrl}, not the proxy on port {port}", fix);
    }

    private DoctorCheck CheckApiKey() =>
        environment["ANTHROPIC_API_KEY"] is string key && key.Trim().StartsWith("sk-ant-", StringComparison.Ordinal)
            ? DoctorCheck.Hint(
                "ANTHROPIC_API_KEY holds a real Anthropic key: a plain `claude` would send it to the proxy and ask to confirm it "
                + "(`chatgpt-codex-proxy claude` leaves it out)",
                "`unset ANTHROPIC_API_KEY` in the shell that runs Claude Code, and `export ANTHROPIC_AUTH_TOKEN=anything` (or your PROXY_API_KEY).")
            : DoctorCheck.Pass("No conflicting ANTHROPIC_API_KEY (unset or a placeholder)");

    /// <summary>Claude Code 2.1.328 assumes a one-million-token window for every model unless told otherwise; the
    /// Codex models take about 272,000, so auto-compaction would come too late.</summary>
    private DoctorCheck CheckContextWindow() =>
        environment["CLAUDE_CODE_DISABLE_1M_CONTEXT"] is string { Length: > 0 } value && value.Trim() is not ("0" or "false")
            ? DoctorCheck.Pass("CLAUDE_CODE_DISABLE_1M_CONTEXT is set: Claude Code compacts before the Codex window (about 272,000 tokens) fills")
            : DoctorCheck.Hint(
                "CLAUDE_CODE_DISABLE_1M_CONTEXT is not set in this shell: a plain `claude` assumes a 1,000,000-token window, "
                + "larger than the Codex models' (about 272,000), and never compacts in time",
                "`export CLAUDE_CODE_DISABLE_1M_CONTEXT=1`, or start Claude Code with `chatgpt-codex-proxy claude` (it sets this).");

    private static string Describe(PortOwner owner) => owner.Pid is null && owner.Uid is null
        ? "a process this user cannot see (try `sudo lsof -iTCP -sTCP:LISTEN -nP`)"
        : ProxyOwnership.Describe(owner);
}
