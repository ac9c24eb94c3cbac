using System.Runtime.InteropServices;
using System.Text;

namespace Preflight.Cli.Check;

/// <summary>
/// What says a file is unchanged without reading it: device, inode, size, modification and change time (ns).
/// A rewrite in place changes mtime and ctime; a file replaced by another (rename over it) changes the inode.
/// </summary>
public readonly record struct FileStat(ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs, bool IsRegularFile)
{
    // Two unsigned and three signed 64-bit numbers with four separators fit in 104 characters.
    private const int MaxTextLength = 112;

    public override string ToString()
    {
        Span<char> text = stackalloc char[MaxTextLength];
        return new string(text[..Format(text)]);
    }

    /// <summary>Whether <paramref name="text"/> is this status as <see cref="ToString"/> writes it (formatted on the stack).</summary>
    public bool Matches(ReadOnlySpan<char> text)
    {
        Span<char> own = stackalloc char[MaxTextLength];
        return own[..Format(own)].SequenceEqual(text);
    }

    /// <summary>A status as <see cref="ToString"/> writes it (taken as a regular file's), or null when it is not one.</summary>
    public static FileStat? Parse(ReadOnlySpan<char> text)
    {
        Span<Range> parts = stackalloc Range[6];
        if (text.Split(parts, ':') != 5) return null;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        const System.Globalization.NumberStyles digits = System.Globalization.NumberStyles.AllowLeadingSign;
        return ulong.TryParse(text[parts[0]], digits, invariant, out var device)
            && ulong.TryParse(text[parts[1]], digits, invariant, out var inode)
            && long.TryParse(text[parts[2]], digits, invariant, out var size)
            && long.TryParse(text[parts[3]], digits, invariant, out var modified)
            && long.TryParse(text[parts[4]], digits, invariant, out var changed)
                ? new FileStat(device, inode, size, modified, changed, IsRegularFile: true)
                : null;
    }

    private int Format(Span<char> destination)
    {
        destination.TryWrite(System.Globalization.CultureInfo.InvariantCulture, $"{Device}:{Inode}:{Size}:{ModifiedNs}:{ChangedNs}", out var written);
        return written;
    }

    /// <summary>The file's status (symbolic links followed), or null when it cannot be read.</summary>
    public static FileStat? TryGet(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return Statx(path);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // A libc without statx: fall through to what .NET offers (no inode, no ctime).
            }
        }
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null) info = (FileInfo?)info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            if (!info.Exists) return null;
            return new FileStat(0, 0, info.Length, info.LastWriteTimeUtc.Ticks * 100, 0, (info.Attributes & (FileAttributes.Directory | FileAttributes.Device)) == 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ModeTypeMask = 0xF000;
    private const int ModeRegular = 0x8000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int NativeStatx(int dirfd, ref byte path, int flags, uint mask, ref byte buffer);

    /// <summary>
    /// struct statx has one layout on every Linux architecture (unlike struct stat): read it by offset. Path and result
    /// live on the stack: a warm re-check calls this once per file, thousands of times, and allocates nothing here.
    /// </summary>
    private static FileStat? Statx(string path) => Statx(AtFdCwd, path);

    /// <summary>
    /// The status of <paramref name="name"/> (UTF-8) in the folder <paramref name="folder"/> was opened on, or of a whole
    /// path when <paramref name="folder"/> is null (symbolic links followed); null when it cannot be read. A look-up of
    /// one name instead of a whole path, for many files of one folder in a row.
    /// </summary>
    public static FileStat? TryGetUtf8(FolderHandle? folder, ReadOnlySpan<byte> name)
    {
        if (!OperatingSystem.IsLinux() || (folder is not null && !folder.IsOpen)) return null;
        Span<byte> path = name.Length < 1024 ? stackalloc byte[name.Length + 1] : new byte[name.Length + 1];
        name.CopyTo(path);
        path[name.Length] = 0;
        try
        {
            return Statx(folder?.Descriptor ?? AtFdCwd, path);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static FileStat? Statx(int folder, ReadOnlySpan<char> path)
    {
        var length = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> name = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(path, name);
        name[written] = 0;
        return Statx(folder, name);
    }

    /// <param name="name">UTF-8, ending in a zero byte.</param>
    private static FileStat? Statx(int folder, Span<byte> name)
    {
        Span<byte> span = stackalloc byte[256];
        if (NativeStatx(folder, ref MemoryMarshal.GetReference(name), 0, StatxBasicStats, ref MemoryMarshal.GetReference(span)) != 0) return null;
        var mode = MemoryMarshal.Read<ushort>(span[28..]);
        var inode = MemoryMarshal.Read<ulong>(span[32..]);
        var size = MemoryMarshal.Read<long>(span[40..]);
        var changed = Timestamp(span[96..]);
        var modified = Timestamp(span[112..]);
        var device = ((ulong)MemoryMarshal.Read<uint>(span[136..]) << 32) | MemoryMarshal.Read<uint>(span[140..]);
        return new FileStat(device, inode, size, modified, changed, (mode & ModeTypeMask) == ModeRegular);
    }

    private static long Timestamp(ReadOnlySpan<byte> span) =>
        MemoryMarshal.Read<long>(span) * 1_000_000_000 + MemoryMarshal.Read<uint>(span[8..]);
}

/// <summary>
/// A folder opened only as a place to look names up in (Linux <c>O_PATH</c>: no permission to list it is needed, and
/// nothing is read), for <see cref="FileStat.TryGetUtf8"/>. Not open where that is not available: callers then fall back
/// to whole paths.
/// </summary>
public sealed class FolderHandle : IDisposable
{
    // O_PATH and O_CLOEXEC have these values on x86-64 and arm64 alike.
    private const int OpenPath = 0x200000;
    private const int CloseOnExec = 0x80000;

    private FolderHandle(int descriptor) => Descriptor = descriptor;

    internal int Descriptor { get; private set; }

    public bool IsOpen => Descriptor >= 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int NativeOpen(ref byte path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int NativeClose(int descriptor);

    public static FolderHandle OpenUtf8(ReadOnlySpan<byte> folder)
    {
        if (!OperatingSystem.IsLinux()) return new FolderHandle(-1);
        Span<byte> path = folder.Length < 1024 ? stackalloc byte[folder.Length + 1] : new byte[folder.Length + 1];
        folder.CopyTo(path);
        path[folder.Length] = 0;
        try
        {
            return new FolderHandle(NativeOpen(ref MemoryMarshal.GetReference(path), OpenPath | CloseOnExec));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new FolderHandle(-1);
        }
    }

    public void Dispose()
    {
        if (Descriptor >= 0) NativeClose(Descriptor);
        Descriptor = -1;
    }
}
