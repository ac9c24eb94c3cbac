using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Preflight.Cli.Check;

/// <summary>
/// Finds named pipes (FIFOs) before anything opens them: opening a pipe for reading waits for a writer,
/// so one stray pipe in a folder would hang the whole check. .NET reports a pipe as a plain empty file,
/// so an empty file is opened non-blocking and a pipe is told apart by not being seekable.
/// </summary>
public static class SpecialFiles
{
    public static bool IsPipe(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        try
        {
            if (new FileInfo(path).Length != 0) return false;
        }
        catch (IOException)
        {
            return false; // the engine reports what is wrong with it
        }

        var nonBlocking = OperatingSystem.IsMacOS() ? 0x4 : 0x800;
        var fd = Open(path, nonBlocking); // O_RDONLY is 0
        if (fd < 0) return false;
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            return !stream.CanSeek;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> must not be read, or null for a regular file (or one whose status cannot be read:
    /// the engine reports that). A device such as /dev/zero never ends; a socket cannot be opened as a file.
    /// </summary>
    public static string? WhyNotRead(string path, string pipeMessage)
    {
        if (IsPipe(path)) return pipeMessage;
        return FileStat.TryGet(path) is { IsRegularFile: false }
            ? "This is not a regular file (a device or socket): it was not read."
            : null;
    }

    // DllImport rather than LibraryImport: the generated marshaller needs unsafe code, which the build does not allow.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
