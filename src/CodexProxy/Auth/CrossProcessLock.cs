namespace CodexProxy.Auth;

/// <summary>
/// An exclusive lock shared by every process using the same <c>tokens.json</c>: a lock file opened with
/// <see cref="FileShare.None"/> (an advisory <c>flock</c> on Unix, a sharing violation on Windows), retried with backoff.
/// Only one process refreshes at a time, so a rotating refresh token is never spent twice.
/// </summary>
internal sealed class CrossProcessLock : IDisposable
{
    private readonly FileStream _stream;

    private CrossProcessLock(FileStream stream) => _stream = stream;

    public static async Task<CrossProcessLock> AcquireAsync(string lockPath, TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        AtomicFile.EnsurePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockPath))!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.OwnerOnly;
        }

        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                return new CrossProcessLock(new FileStream(lockPath, options));
            }
            catch (IOException) when (time.GetElapsedTime(started) < timeout)
            {
                // Held by another process (or another instance in this one): wait a little longer each time.
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
            catch (IOException e)
            {
                throw new TimeoutException($"Another chatgpt-codex-proxy process held {lockPath} for more than {timeout.TotalSeconds:0} s.", e);
            }
        }
    }

    /// <summary>The lock file itself stays: deleting it would race with a process that just opened it.</summary>
    public void Dispose() => _stream.Dispose();
}
