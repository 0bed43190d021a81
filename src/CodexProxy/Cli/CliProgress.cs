using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary>A status spinner around a long wait, shown only on an interactive terminal.</summary>
internal static class CliProgress
{
    /// <summary>
    /// Runs <paramref name="work"/> under a spinner saying <paramref name="status"/> (plain text, not markup). When the
    /// output is redirected or not a terminal nothing is drawn, so piped output (e.g. <c>--json</c>) stays clean.
    /// </summary>
    public static Task<T> RunAsync<T>(IAnsiConsole console, string status, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        return console.Profile.Capabilities is { Interactive: true, Ansi: true }
            ? console.Status().StartAsync(Markup.Escape(status), _ => work())
            : work();
    }
}
