using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CodexProxy.Logging;

/// <summary>
/// What <c>lstat</c>/<c>fstat</c> say about a file: its type and owner. On Linux from <c>statx(2)</c>, whose buffer has
/// the same layout on every architecture (https://man7.org/linux/man-pages/man2/statx.2.html); elsewhere the owner
/// is unknown (null) and the type comes from .NET.
/// </summary>
internal readonly partial record struct FileStatus(bool IsSymbolicLink, bool IsRegularFile, uint? OwnerId)
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int NoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: the descriptor itself
    private const uint TypeModeAndOwner = 0x1 | 0x2 | 0x8; // STATX_TYPE | STATX_MODE | STATX_UID
    private const int FileTypeMask = 0xF000, SymbolicLinkType = 0xA000, RegularFileType = 0x8000;
    private const int NoSuchFile = 2; // ENOENT

    /// <summary>This process's effective user id (0 on Windows, where owners are not compared).</summary>
    public static uint EffectiveUserId => OperatingSystem.IsWindows() ? 0 : NativeMethods.GetEffectiveUserId();

    /// <summary>The path itself (a link is not followed), or null when nothing is there.</summary>
    public static FileStatus? Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            if (NativeMethods.Statx(CurrentDirectory, path, NoFollow, TypeModeAndOwner, out var buffer) == 0)
            {
                return FromBuffer(buffer);
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile ? null : throw new IOException($"Could not inspect {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return new FileStatus(IsSymbolicLink: true, IsRegularFile: false, OwnerId: null);
        }

        return info.Exists ? new FileStatus(false, true, null)
            : Directory.Exists(path) ? new FileStatus(false, false, null)
            : null;
    }

    /// <summary>The open file behind <paramref name="handle"/>.</summary>
    public static FileStatus? Of(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var descriptor = (int)handle.DangerousGetHandle();
        return NativeMethods.Statx(descriptor, string.Empty, EmptyPath, TypeModeAndOwner, out var buffer) == 0
            ? FromBuffer(buffer)
            : throw new IOException($"Could not inspect an open file: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    private static FileStatus FromBuffer(in StatxBuffer buffer)
    {
        var type = buffer.Mode & FileTypeMask;
        return new FileStatus(type == SymbolicLinkType, type == RegularFileType, buffer.Uid);
    }

    /// <summary>The start of <c>struct statx</c>; the kernel fills 256 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

        [LibraryImport("libc", EntryPoint = "geteuid")]
        public static partial uint GetEffectiveUserId();
    }
}
