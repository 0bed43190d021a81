using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace CodexProxy.Logging;

/// <summary>The log file refused to open because it is not safely this user's (a symbolic link, someone else's, not a
/// regular file).</summary>
internal sealed class UnsafeFileException(string message) : IOException(message);

/// <summary>
/// Opens a file that only this user can read: created with mode 0600 (its directory, when missing, with 0700), never
/// through a symbolic link (<c>O_NOFOLLOW</c>), never one owned by someone else, tightened to 0600 when it exists.
/// A log file can hold request paths and model names; in a shared directory another user could otherwise plant the
/// file, or a link to one of ours, before we open it.
/// </summary>
internal static partial class OwnerOnlyFile
{
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Opens <paramref name="path"/> for appending, creating it (and its directory) privately.</summary>
    /// <exception cref="UnsafeFileException">The path is a link, not a regular file, or not this user's.</exception>
    public static FileStream OpenForAppend(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            return new FileStream(fullPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }

        EnsurePrivateDirectory(Path.GetDirectoryName(fullPath)!);
        RefuseUnsafe(fullPath, FileStatus.Of(fullPath));
        var stream = OpenNoFollow(fullPath, write: true);
        try
        {
            RefuseUnsafe(fullPath, FileStatus.Of(stream.SafeFileHandle));
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerReadWrite);
            stream.Seek(0, SeekOrigin.End);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing file of this user's for reading; the same refusals as <see cref="OpenForAppend"/>.</summary>
    public static FileStream OpenForRead(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            return new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        RefuseUnsafe(fullPath, FileStatus.Of(fullPath) ?? throw new FileNotFoundException($"{fullPath} does not exist.", fullPath));
        var stream = OpenNoFollow(fullPath, write: false);
        try
        {
            RefuseUnsafe(fullPath, FileStatus.Of(stream.SafeFileHandle));
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Creates a missing directory (and missing parents) with mode 0700; an existing one is left alone.</summary>
    public static void EnsurePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // Directory.CreateDirectory gives the mode to the last directory only; each missing one gets it here.
            var missing = new Stack<string>();
            for (var dir = Path.GetFullPath(directory); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
            {
                missing.Push(dir);
            }

            while (missing.TryPop(out var dir))
            {
                Directory.CreateDirectory(dir, OwnerOnlyDirectory);
            }
        }
    }

    private static void RefuseUnsafe(string path, FileStatus? status)
    {
        if (status is not { } file)
        {
            return;
        }

        if (file.IsSymbolicLink)
        {
            throw new UnsafeFileException($"{path} is a symbolic link; refusing to follow it. Remove it or choose another LOG_FILE.");
        }

        if (!file.IsRegularFile)
        {
            throw new UnsafeFileException($"{path} is not a regular file. Remove it or choose another LOG_FILE.");
        }

        if (file.OwnerId is { } owner && owner != FileStatus.EffectiveUserId)
        {
            throw new UnsafeFileException($"{path} belongs to another user (uid {owner}); refusing to use it. Choose another LOG_FILE.");
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static FileStream OpenNoFollow(string path, bool write)
    {
        if (!OperatingSystem.IsLinux() || LinuxNoFollowFlag() is not { } noFollow)
        {
            // Elsewhere the checks before and after opening stand in for O_NOFOLLOW.
            return new FileStream(path, write
                ? new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, UnixCreateMode = OwnerReadWrite }
                : new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
        }

        const int ReadOnly = 0x0, WriteOnly = 0x1, Create = 0x40, Append = 0x400, CloseOnExec = 0x80000;
        var flags = (write ? WriteOnly | Create | Append : ReadOnly) | noFollow | CloseOnExec;
        var descriptor = OpenFile(path, flags, (uint)OwnerReadWrite);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            const int TooManyLinks = 40; // ELOOP: the last component is a symbolic link.
            throw errno == TooManyLinks
                ? new UnsafeFileException($"{path} is a symbolic link; refusing to follow it. Remove it or choose another LOG_FILE.")
                : new IOException($"Could not open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return new FileStream(new SafeFileHandle(descriptor, ownsHandle: true), write ? FileAccess.Write : FileAccess.Read);
    }

    /// <summary>O_NOFOLLOW differs between architectures; null where it is not known here.</summary>
    private static int? LinuxNoFollowFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x20000,
        Architecture.Arm64 or Architecture.Arm or Architecture.Ppc64le => 0x8000,
        _ => null,
    };

    // open(2) is variadic only for the mode argument, which the Linux calling conventions here pass like a fixed one.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, uint mode);
}
