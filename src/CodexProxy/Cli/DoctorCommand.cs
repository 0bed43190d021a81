using System.CommandLine;
using Spectre.Console;

namespace CodexProxy.Cli;

/// <summary><c>doctor</c>: run the troubleshooting checklist, one ✓/✗ line per check with the fix beside each ✗.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check the proxy's health, port, login, upstream, Claude Code environment and recent log.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var http = new HttpClient();
            var doctor = new Doctor(Environment.GetEnvironmentVariables(), http, TimeProvider.System, PortOwners.Find, AnsiConsole.Console);
            return await doctor.RunAsync(Console.Out, cancellationToken);
        });
        return command;
    }
}
