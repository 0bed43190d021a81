using System.Diagnostics;
using System.Text.Json.Nodes;
using CodexProxy.Tests.Fakes;

namespace CodexProxy.Tests.Codex.CodexCli;

/// <summary>What one <c>codex exec</c> run printed, and the temporary directories it ran in.</summary>
internal sealed record CodexCliResult(int ExitCode, string Stdout, string Stderr, string CodexHome, string WorkDir)
{
    public string Diagnostics => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the official Codex CLI headless and offline against a <see cref="FakeCodexUpstream"/> serving HTTPS:
/// <list type="bullet">
/// <item><c>chatgpt_base_url</c> points at the fake's <c>/backend-api/</c>, and its <c>/wham/accounts/check</c> names the
/// fake's own origin as the workspace backend, so every ChatGPT call (responses included) goes there;</item>
/// <item><c>openai_base_url</c> points at <c>/backend-api/codex</c>, so the catalogue refresh (<c>/models</c>) does too;</item>
/// <item><c>[otel] metrics_exporter = "none"</c> stops the OTLP metrics export to <c>ab.chatgpt.com</c>, the one
/// destination the two settings above do not cover;</item>
/// <item><c>CODEX_CA_CERTIFICATE</c> trusts the throw-away CA that signed the fake's certificate.</item>
/// </list>
/// No network namespace, hosts file or root is needed. Credentials are a ChatGPT-mode <c>auth.json</c> with unsigned JWTs.
/// </summary>
internal static class CodexCliRunner
{
    public static async Task<CodexCliResult> RunExecAsync(
        string launcher, FakeCodexUpstream fake, string caPemPath, string model, string prompt, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("codex-cli-home-").FullName;
        var workDir = Directory.CreateTempSubdirectory("codex-cli-work-").FullName;
        var origin = fake.BaseUrl.GetLeftPart(UriPartial.Authority);
        await File.WriteAllTextAsync(Path.Combine(home, "config.toml"), Config(model, origin), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(home, "auth.json"), AuthJson(), cancellationToken);

        var start = new ProcessStartInfo(launcher)
        {
            WorkingDirectory = workDir,
            ArgumentList = { "exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", prompt },
        };
        foreach (var name in InheritedVariablesToDrop)
        {
            start.Environment.Remove(name);
        }

        start.Environment["CODEX_HOME"] = home;
        start.Environment["HOME"] = home;
        start.Environment["CODEX_CA_CERTIFICATE"] = caPemPath;
        start.Environment["TERM"] = "xterm";
        start.Environment["SHELL"] = "/bin/bash";
        start.Environment["TZ"] = "UTC";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["NO_COLOR"] = "1";

        var (exitCode, stdout, stderr) = await ProcessRunner.RunSplitAsync(start, TimeSpan.FromMinutes(3), cancellationToken);
        return new CodexCliResult(exitCode, stdout, stderr, home, workDir);
    }

    /// <summary>Variables that would change where the CLI connects, which credentials it uses, or what it sends.</summary>
    private static readonly string[] InheritedVariablesToDrop =
    [
        "OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN", "OPENAI_BASE_URL", "CODEX_APP_SERVER_CHATGPT_BASE_URL",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
        "NO_PROXY", "no_proxy", "RUST_LOG", "CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED", "TERM_PROGRAM",
        "TERM_PROGRAM_VERSION", "TMUX", "STY", "SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT", "WSL_DISTRO_NAME",
    ];

    internal static string Config(string model, string origin) => $"""
        model = "{model}"
        cli_auth_credentials_store = "file"
        chatgpt_base_url = "{origin}/backend-api/"
        openai_base_url = "{origin}/backend-api/codex"

        [otel]
        metrics_exporter = "none"

        """;

    /// <summary>ChatGPT-mode credentials: unsigned JWTs with a future <c>exp</c> and the account claims.</summary>
    internal static string AuthJson()
    {
        var token = FakeJwt.Create(FakeCodexUpstream.AccountId, "plus", DateTimeOffset.UtcNow.AddDays(30));
        return new JsonObject
        {
            ["OPENAI_API_KEY"] = null,
            ["tokens"] = new JsonObject
            {
                ["id_token"] = token,
                ["access_token"] = token,
                ["refresh_token"] = "rt-codex-cli-fake",
                ["account_id"] = FakeCodexUpstream.AccountId,
            },
            ["last_refresh"] = DateTimeOffset.UtcNow.ToString("O"),
        }.ToJsonString();
    }

    public static void Delete(CodexCliResult? result)
    {
        if (result is null)
        {
            return;
        }

        foreach (var dir in new[] { result.CodexHome, result.WorkDir })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A helper process may still hold a file; the temp directory is cleaned up eventually.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }
}
