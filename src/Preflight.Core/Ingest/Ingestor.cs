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
        var decision = limits.DecidedByHead is null ? null : new HeadDecision(limits);
        SniffResult? pastCapSniff = null;
        var pastCapTried = false;
        var gaveBack = false;
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

                    // Decided before these bytes are stored: a body its head condemns never has more than that head on disk.
                    if (decision is { Pending: true } && decision.Offer(buffer.AsSpan(0, read)) && limits.StopWhenDecided)
                        return Stopped(path, total, IngestStop.HeadDecided, decision.Sniff);

                    hash.AppendData(buffer, 0, read);
                    // Past the cap (or once the head decided) the verdict is already known: keep counting and hashing, stop storing.
                    var room = decision is { Decided: true } || gaveBack ? 0 : Math.Max(0, limits.CapBytes - stored);
                    var store = (int)Math.Min(read, room);
                    if (store > 0)
                    {
                        await GuardAsync(path, file.WriteAsync(buffer.AsMemory(0, store), cancellationToken));
                        stored += store;
                    }
                    if (decision is { Decided: false } && !pastCapTried && total > limits.CapBytes)
                    {
                        // Over the limit: only what the first bytes are is still needed, and they are the ones the end
                        // would sniff on disk. Once that is known the stored copy gives its disk back while the rest is drained.
                        pastCapTried = true;
                        pastCapSniff = decision.SniffOfFirst(limits.CapBytes);
                        if (pastCapSniff is not null)
                        {
                            Guard(path, () => { file.SetLength(0); return true; });
                            gaveBack = true;
                        }
                    }
                }
            }

            if (head is not null && headLength < head.Length && limits.RejectHead!(head.AsMemory(0, headLength)))
                return Stopped(path, total, IngestStop.HeadRejected);

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            keep = true;
            if (decision is { Decided: true })
                return new IngestedFile(path, total, stored, sha256, decision.Sniff) { HeadOnly = true, Truncated = total > limits.CapBytes };
            if (gaveBack) return new IngestedFile(path, total, 0, sha256, pastCapSniff) { Truncated = true };

            // The sniffer reads the head (at most SniffContext.HeadSize + ExtraReadBudget bytes) of what is on disk,
            // once the body has ended: its detectors may look at the file's length, which is only known then.
            var sniff = Guard(path, () => FormatSniffer.Default.Sniff(path));
            return new IngestedFile(path, total, stored, sha256, sniff);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // Only a file this call created: CreateNew refusing an existing path must not delete someone else's file.
            if (!keep && created) TryDelete(path);
        }
    }

    private static IngestedFile Stopped(string path, long total, IngestStop stop, SniffResult? sniff = null) => new(path, total, 0, null, sniff, stop);

    /// <summary>
    /// Holds the first bytes of a body until their sniff is certain (<see cref="HeadSniff"/>), then asks
    /// <see cref="IngestLimits.DecidedByHead"/> once. Gives up when the sniffer still wants more after <see cref="MaxBytes"/>.
    /// </summary>
    private sealed class HeadDecision(IngestLimits limits)
    {
        private const int MaxBytes = 64 * 1024;
        private readonly byte[] _prefix = new byte[MaxBytes];
        private int _length;

        public bool Pending { get; private set; } = true;

        public bool Decided { get; private set; }

        public SniffResult? Sniff { get; private set; }

        /// <summary>What a file holding only the first <paramref name="length"/> bytes sniffs as; null when the held prefix cannot say.</summary>
        public SniffResult? SniffOfFirst(long length) => HeadSniff.Certain(_prefix.AsMemory(0, (int)Math.Min(_length, length)), length);

        /// <summary>Adds bytes that just arrived; true once the head decided the verdict.</summary>
        public bool Offer(ReadOnlySpan<byte> bytes)
        {
            var copy = Math.Min(bytes.Length, MaxBytes - _length);
            bytes[..copy].CopyTo(_prefix.AsSpan(_length));
            _length += copy;
            var full = _length == MaxBytes;
            // A body that ends inside the head is whole anyway: the usual sniff at the end answers for it.
            if (_length < HeadSniff.UsualBytes && !full && (limits.KnownLength is not { } known || _length < known)) return false;
            if (limits.KnownLength is { } length && _length >= length) return Settle(null);

            var sniff = HeadSniff.Certain(_prefix.AsMemory(0, _length), limits.KnownLength);
            if (sniff is null) return full && Settle(null);
            return Settle(sniff);
        }

        private bool Settle(SniffResult? sniff)
        {
            Pending = false;
            Sniff = sniff;
            Decided = sniff is not null && limits.DecidedByHead!(sniff);
            return Decided;
        }
    }

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
