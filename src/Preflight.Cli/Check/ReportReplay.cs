using System.Buffers.Binary;
using System.Text;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;

namespace Preflight.Cli.Check;

/// <summary>
/// The whole answer of the last run over the same PATH arguments in the same verdict scope and output format: the folders
/// it walked and the files it found, each with the status it had (<see cref="FileStat"/>), and the report as the writer
/// rendered it with every entry cached, cut where the run's duration goes. A folder whose status is unchanged has the
/// same entries (adding, removing or renaming one changes its times), so when every folder and every file still has its
/// status, that rendering is the report a re-check would write: it is copied out with this run's duration instead of
/// listing the folders and recalling, deserializing and serializing every entry again. Any difference (a file added,
/// removed, renamed or touched; another scope or format) and it is not used.
/// </summary>
/// <remarks>
/// Layout (little-endian): "PFR1"; the length of the block that follows; the block: the identity (length, UTF-8), the
/// number of folders walked, then per folder its path and status, the number of files, then per file its full path and
/// status (each text as length, UTF-8); after the block: the exit
/// code (one byte), the number of rendered segments, their lengths, then their bytes. The duration goes between two
/// segments; a file of any other length is not used. Written to a temp file and renamed like every cache entry.
/// </remarks>
public sealed class ReportReplay : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "PFR1"u8;
    private const int MaxBlockBytes = 256 << 20;
    private const int CopyChunk = 1 << 16;

    private const int MaxSegments = 1024;

    // Below this many files, starting a thread costs more than it saves.
    private const int ParallelFrom = 512;

    private readonly FileStream _file;
    private readonly long[] _segments;

    private ReportReplay(FileStream file, int exitCode, long[] segments)
    {
        _file = file;
        ExitCode = exitCode;
        _segments = segments;
    }

    /// <summary>The exit code the stored report gave (1 when a file failed, else 0).</summary>
    public int ExitCode { get; }

    /// <summary>
    /// The stored answer when <paramref name="path"/> holds one for <paramref name="identity"/> and every folder and file
    /// it lists still has the status it had; else null (missing, unreadable, another identity, any change).
    /// </summary>
    public static ReportReplay? TryOpen(string path, string identity)
    {
        FileStream? file = null;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            Span<byte> head = stackalloc byte[8];
            file.ReadExactly(head);
            var blockLength = BinaryPrimitives.ReadInt32LittleEndian(head[4..]);
            if (!head[..4].SequenceEqual(Magic) || blockLength is < 0 or > MaxBlockBytes) return Close(file);
            var block = new byte[blockLength];
            file.ReadExactly(block);
            if (!Matches(block, identity)) return Close(file);
            Span<byte> tail = stackalloc byte[5];
            file.ReadExactly(tail);
            var count = BinaryPrimitives.ReadInt32LittleEndian(tail[1..]);
            if (tail[0] > 1 || count is < 1 or > MaxSegments) return Close(file);
            var lengths = new long[count];
            var lengthBytes = new byte[count * 8];
            file.ReadExactly(lengthBytes);
            long total = 0;
            for (var i = 0; i < count; i++)
            {
                lengths[i] = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes.AsSpan(i * 8));
                if (lengths[i] < 0 || lengths[i] > MaxBlockBytes) return Close(file);
                total += lengths[i];
            }
            // Whole, or not used: a replay never stops half-way through the report.
            if (file.Length != file.Position + total) return Close(file);
            var replay = new ReportReplay(file, tail[0], lengths);
            file = null;
            return replay;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Close(file);
        }
    }

    /// <summary>Writes the stored rendering with <paramref name="durationText"/> in each place the duration goes.</summary>
    public void WriteTo(Stream output, string durationText)
    {
        var duration = Encoding.UTF8.GetBytes(durationText);
        var buffer = new byte[CopyChunk];
        for (var segment = 0; segment < _segments.Length; segment++)
        {
            if (segment > 0) output.Write(duration);
            var left = _segments[segment];
            while (left > 0)
            {
                var read = _file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0) throw new EndOfStreamException("report replay entry ends early");
                output.Write(buffer, 0, read);
                left -= read;
            }
        }
        output.Flush();
    }

    public void Dispose() => _file.Dispose();

    // Two durations no run takes (about 2.7 and 2.4 years): their texts mark where a rendering shows the duration.
    private const long FirstMark = 86_399_937_123;
    private const long SecondMark = 75_288_826_456;

    /// <summary>
    /// <paramref name="writer"/>'s rendering of the report cut where it shows the duration, or null when the writer
    /// cannot say how it shows it. The cut is proven, not assumed: the report is rendered with two marker durations,
    /// and the first rendering, cut at the first marker and joined with the second, must be the second rendering byte
    /// for byte (a marker's text anywhere else, such as in a file name, fails that and nothing is stored).
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>?> CutAsync(IReportWriter writer, Func<long, CheckReport> withDuration, CancellationToken cancellationToken)
    {
        if (writer.DurationText(FirstMark) is not { } firstText || writer.DurationText(SecondMark) is not { } secondText) return null;
        var first = await RenderAsync(writer, withDuration(FirstMark), cancellationToken);
        var second = await RenderAsync(writer, withDuration(SecondMark), cancellationToken);
        var mark = Encoding.UTF8.GetBytes(firstText);
        var other = Encoding.UTF8.GetBytes(secondText);

        var segments = new List<byte[]>();
        ReadOnlySpan<byte> rest = first;
        for (var at = rest.IndexOf(mark); at >= 0; at = rest.IndexOf(mark))
        {
            segments.Add(rest[..at].ToArray());
            rest = rest[(at + mark.Length)..];
        }
        segments.Add(rest.ToArray());
        if (segments.Count is < 2 or > MaxSegments) return null;

        ReadOnlySpan<byte> expected = second;
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                if (!expected.StartsWith(other)) return null;
                expected = expected[other.Length..];
            }
            if (!expected.StartsWith(segments[i])) return null;
            expected = expected[segments[i].Length..];
        }
        return expected.IsEmpty ? segments : null;
    }

    private static async Task<byte[]> RenderAsync(IReportWriter writer, CheckReport report, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await writer.WriteAsync(report, buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// Stores an answer: the folders walked and the files found, each with its status, and <paramref name="segments"/>,
    /// the rendering cut where the duration goes.
    /// </summary>
    public static void Save(
        string path, string identity, IReadOnlyList<(string Path, string Status)> folders, IReadOnlyList<(string Path, string Status)> files,
        int exitCode, IReadOnlyList<byte[]> segments)
    {
        using var block = new MemoryStream();
        WriteText(block, identity);
        foreach (var list in new[] { folders, files })
        {
            WriteInt(block, list.Count);
            foreach (var (entry, status) in list)
            {
                WriteText(block, entry);
                WriteText(block, status);
            }
        }

        CheckCache.WriteAtomically(path, stream =>
        {
            stream.Write(Magic);
            WriteInt(stream, (int)block.Length);
            block.Position = 0;
            block.CopyTo(stream);
            stream.WriteByte((byte)exitCode);
            WriteInt(stream, segments.Count);
            Span<byte> length = stackalloc byte[8];
            foreach (var segment in segments)
            {
                BinaryPrimitives.WriteInt64LittleEndian(length, segment.Length);
                stream.Write(length);
            }
            foreach (var segment in segments) stream.Write(segment);
        });
    }

    // How much older than the run a status must be to stand for "unchanged" (see Settled).
    internal static readonly TimeSpan FineMargin = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan CoarseMargin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a status is old enough to stand for "unchanged": modified and changed before the run started, by more than
    /// the file system's clock step. A change made later always gets a later time; one made within the same step as a
    /// very recent status might not, so such a status is not relied on. Times with a sub-second part come from a fine
    /// clock (the kernel stamps them from its tick, 10 ms at most): <see cref="FineMargin"/>. Whole seconds are a file
    /// system that stamps to the second or to two (FAT's modification time), a status without a change time, or times
    /// set by hand: <see cref="CoarseMargin"/>.
    /// </summary>
    public static bool Settled(FileStat status, DateTimeOffset started)
    {
        const long second = 1_000_000_000;
        var fine = status.ModifiedNs % second != 0 && status.ChangedNs % second != 0;
        var margin = fine ? FineMargin : CoarseMargin;
        var limit = (started - margin).ToUnixTimeMilliseconds() * 1_000_000;
        return status.ModifiedNs < limit && status.ChangedNs < limit;
    }

    /// <summary>Whether the block is for this identity, and every folder and file in it is unchanged.</summary>
    private static bool Matches(byte[] block, string identity)
    {
        ReadOnlySpan<byte> rest = block;
        if (!TakeText(ref rest, out var storedIdentity) || !SameText(storedIdentity, identity)) return false;
        // Folders first: if none gained, lost or renamed an entry, the files are exactly the ones stored.
        if (!TakeCount(ref rest, out var folders)) return false;
        for (var i = 0; i < folders; i++)
        {
            if (!TakeText(ref rest, out var folder) || !TakeText(ref rest, out var status)
                || FileStat.TryGetUtf8(null, folder) is not { IsRegularFile: false } now || !Same(now, status)) return false;
        }
        if (!TakeCount(ref rest, out var files)) return false;

        // Thousands of statuses are most of a replay's time: with a second core, the second half is checked on it.
        var first = files >= ParallelFrom && Environment.ProcessorCount > 1 ? files / 2 : files;
        var start = block.Length - rest.Length;
        for (var i = 0; i < first; i++)
        {
            if (!TakeText(ref rest, out _) || !TakeText(ref rest, out _)) return false;
        }
        var middle = block.Length - rest.Length;

        bool secondMatches = true;
        var secondEnd = middle;
        Thread? helper = null;
        if (first < files)
        {
            helper = new Thread(() => secondMatches = FilesMatch(block, middle, files - first, out secondEnd)) { IsBackground = true };
            helper.Start();
        }
        var firstMatches = FilesMatch(block, start, first, out var firstEnd);
        helper?.Join();
        return firstMatches && secondMatches && firstEnd == middle && secondEnd == block.Length;
    }

    /// <summary>
    /// Whether the <paramref name="count"/> file entries from <paramref name="offset"/> all still have their status;
    /// <paramref name="end"/> is where they end. Files come in path order, so most share the folder of the one before:
    /// each name is looked up in its folder, not walked to from the root again.
    /// </summary>
    private static bool FilesMatch(byte[] block, int offset, int count, out int end)
    {
        ReadOnlySpan<byte> rest = block.AsSpan(offset);
        end = offset;
        FolderHandle? handle = null;
        byte[] open = [];
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (!TakeText(ref rest, out var file) || !TakeText(ref rest, out var status)) return false;
                var slash = file.LastIndexOf((byte)'/');
                if (slash < 0) return false;
                var parent = slash == 0 ? file[..1] : file[..slash];
                if (handle is null || !parent.SequenceEqual(open))
                {
                    handle?.Dispose();
                    handle = FolderHandle.OpenUtf8(parent);
                    open = parent.ToArray();
                }
                var now = handle.IsOpen ? FileStat.TryGetUtf8(handle, file[(slash + 1)..]) : FileStat.TryGetUtf8(null, file);
                if (now is not { IsRegularFile: true } stat || !Same(stat, status)) return false;
            }
        }
        finally
        {
            handle?.Dispose();
        }
        end = block.Length - rest.Length;
        return true;
    }

    /// <summary>Whether <paramref name="now"/> is the stored status (ASCII digits and separators).</summary>
    private static bool Same(FileStat now, ReadOnlySpan<byte> stored)
    {
        Span<char> text = stackalloc char[128];
        if (stored.Length > text.Length) return false;
        for (var i = 0; i < stored.Length; i++) text[i] = (char)stored[i];
        return now.Matches(text[..stored.Length]);
    }

    private static bool TakeCount(ref ReadOnlySpan<byte> block, out int count)
    {
        count = block.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(block) : -1;
        if (count < 0) return false;
        block = block[4..];
        return true;
    }

    private static bool SameText(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length < text.Length || utf8.Length > Encoding.UTF8.GetMaxByteCount(text.Length)) return false;
        Span<byte> own = utf8.Length <= 1024 ? stackalloc byte[utf8.Length] : new byte[utf8.Length];
        return Encoding.UTF8.TryGetBytes(text, own, out var written) && written == utf8.Length && own.SequenceEqual(utf8);
    }

    private static bool TakeText(ref ReadOnlySpan<byte> block, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (block.Length < 4) return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(block);
        if (length < 0 || length > block.Length - 4) return false;
        text = block.Slice(4, length);
        block = block[(4 + length)..];
        return true;
    }

    private static void WriteText(Stream stream, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteInt(stream, bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteInt(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static ReportReplay? Close(FileStream? file)
    {
        file?.Dispose();
        return null;
    }
}
