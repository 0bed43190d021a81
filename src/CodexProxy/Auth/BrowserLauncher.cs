using System.ComponentModel;
using System.Diagnostics;

namespace CodexProxy.Auth;

/// <summary>Opens a URL in the user's browser. The URL is always an argument, never part of a shell command line.</summary>
internal static class BrowserLauncher
{
    public static bool TryOpen(Uri url)
    {
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            // ShellExecute of a URL opens the default browser without going through cmd.exe.
            start = new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true };
        }
        else
        {
            start = new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(url.AbsoluteUri);
        }

        try
        {
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
