using System.Buffers;
using System.Security.Cryptography;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Ingest;

/// <summary>
/// The one way bytes come in (upload part, HTTP response, blob download, local stream): received once into a private
/// (owner-only) file under a generated name, hashed, counted and capped in the same pass, then sniffed from the
/// head on disk. Memory stays at one buffer whatever the size. The file is deleted on every path that does not
/// hand it back: an exception, cancellation, a stop past the cap or a rejected head.
/// </summary>
public static class Ingestor
{
    private const int BufferSize = 64 * 1024;
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Reads <paramref name="source"/> to its end (or a stop) into a new file at <paramref name="path"/>.</summary>
    /// <exception cref="LocalDiskException">The file could not be created or written.</exception>
    public static async Task<IngestedFile> ReceiveAsync(Stream source, string path, IngestLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(limits.CapBytes);

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var head = limits.RejectHead is null ? null : new byte[limits.HeadBytes];
        var headLength = 0;
        var keep = false;
        var created = false;
        long total = 0, stored = 0;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = Guard(path, () => new FileStream(path, PrivateFile(FileAccess.Write))))
            {
                created = true;
                while (true)
                {
                    // When stopping past the cap, never ask for more than cap + 1 bytes: one byte over is proof enough.
                    var wanted = limits.StopPastCap ? (int)Math.Min(BufferSize, limits.CapBytes + 1 - total) : BufferSize;
                    var read = await source.ReadAsync(buffer.AsMemory(0, wanted), cancellationToken);
                    if (read == 0) break;
                    total += read;
                    if (limits.StopPastCap && total > limits.CapBytes) return Stopped(path, total, IngestStop.PastCap);

                    if (head is not null && headLength < head.Length)
                    {
                        var copy = Math.Min(read, head.Length - headLength);
                        buffer.AsSpan(0, copy).CopyTo(head.AsSpan(headLength));
                        headLength += copy;
                        if (headLength == head.Length && limits.RejectHead!(head)) return Stopped(path, total, IngestStop.HeadRejected);
                    }

                    hash.AppendData(buffer, 0, read);
                    // Past the cap the verdict is already known: keep counting and hashing, stop storing.
                    var store = (int)Math.Min(read, Math.Max(0, limits.CapBytes - stored));
                    if (store > 0)
                    {
                        await GuardAsync(path, file.WriteAsync(buffer.AsMemory(0, store), cancellationToken));
                        stored += store;
                    }
                }
            }

            if (head is not null && headLength < head.Length && limits.RejectHead!(head.AsMemory(0, headLength)))
                return Stopped(path, total, IngestStop.HeadRejected);

            // The sniffer reads the head (at most SniffContext.HeadSize + ExtraReadBudget bytes) of what is on disk,
            // once the body has ended: its detectors may look at the file's length, which is only known then.
            var sniff = Guard(path, () => FormatSniffer.Default.Sniff(path));
            keep = true;
            return new IngestedFile(path, total, stored, Convert.ToHexStringLower(hash.GetHashAndReset()), sniff);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // Only a file this call created: CreateNew refusing an existing path must not delete someone else's file.
            if (!keep && created) TryDelete(path);
        }
    }

    private static IngestedFile Stopped(string path, long total, IngestStop stop) => new(path, total, 0, null, null, stop);

    /// <summary>A new file only its owner can read or write (CreateNew: never an existing path).</summary>
    internal static FileStreamOptions PrivateFile(FileAccess access)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = access,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            // Writes are 64 KB already; no buffer means nothing left to flush (and fail) on dispose.
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerReadWrite;
        return options;
    }

    private static T Guard<T>(string path, Func<T> action)
    {
        try { return action(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new LocalDiskException(path, ex); }
    }

    private static async ValueTask GuardAsync(string path, ValueTask write)
    {
        try { await write; }
        catch (IOException ex) { throw new LocalDiskException(path, ex); }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
