using System.Text;

namespace CodexProxy.Logging;

/// <summary>Appends text to a file; at <see cref="MaxBytes"/> the file becomes <c>.1</c> (replacing the previous
/// one) and a new file starts, so the log never grows without bound. Every file is opened by
/// <see cref="OwnerOnlyFile"/> (0600, no symbolic links, this user's only). Thread-safe; a failure to write disables
/// the file (see <see cref="TakeFailure"/>) because logging must never take the proxy down.</summary>
internal sealed class RollingLogFile(string path, long maxBytes = RollingLogFile.DefaultMaxBytes) : IDisposable
{
    public const long DefaultMaxBytes = 10L * 1024 * 1024;

    private readonly Lock _gate = new();
    private FileStream? _stream;
    private bool _broken;
    private string? _failure;

    public string Path { get; } = path;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Why the file was disabled, once: the first call after a failure returns it, later calls null.</summary>
    public string? TakeFailure()
    {
        lock (_gate)
        {
            var failure = _failure;
            _failure = null;
            return failure;
        }
    }

    /// <summary>Appends <paramref name="text"/> (whole lines) with one write and one flush.</summary>
    public void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_gate)
        {
            if (_broken)
            {
                return;
            }

            try
            {
                _stream ??= Open();
                if (_stream.Length + bytes.Length > MaxBytes && _stream.Length > 0)
                {
                    Rotate();
                }

                _stream.Write(bytes);
                _stream.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unwritable or unsafe log location disables the file sink; the console sink still works.
                _broken = true;
                _failure = e.Message;
            }
        }
    }

    private FileStream Open() => OwnerOnlyFile.OpenForAppend(Path);

    private void Rotate()
    {
        _stream?.Dispose();
        File.Move(Path, Path + ".1", overwrite: true);
        _stream = Open();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
