using Preflight.Core.Ingest;

namespace Preflight.Core.Fetching;

/// <summary>
/// A remote body fetched in pieces: a private sparse file as long as the whole body (so readers see the true total
/// length), each fetched range written at its own offset, and the list of ranges that hold real bytes.
/// </summary>
internal sealed class SparseBody
{
    // Merged, sorted, half-open [Start, End) ranges of bytes that were fetched.
    private readonly List<(long Start, long End)> _have = [];

    private SparseBody(string path, long length)
    {
        Path = path;
        Length = length;
    }

    public string Path { get; }

    public long Length { get; }

    public long BytesHeld => _have.Sum(r => r.End - r.Start);

    public bool IsWhole => _have.Count == 1 && _have[0] == (0, Length);

    /// <summary>Creates the owner-only file under a generated name, <paramref name="length"/> bytes long and holding nothing yet.</summary>
    public static SparseBody Create(string path, long length)
    {
        try
        {
            using var file = new FileStream(path, Ingestor.PrivateFile(FileAccess.Write));
            // ftruncate: no blocks are written, a 95 MB body costs the disk only what is fetched.
            file.SetLength(length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LocalDiskException(path, ex);
        }
        return new SparseBody(path, length);
    }

    /// <summary>Marks [<paramref name="start"/>, <paramref name="end"/>) as fetched.</summary>
    public void Add(long start, long end)
    {
        if (end <= start) return;
        _have.Add((start, end));
        _have.Sort();
        var merged = new List<(long Start, long End)>(_have.Count);
        foreach (var range in _have)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, range.End));
            else merged.Add(range);
        }
        _have.Clear();
        _have.AddRange(merged);
    }

    /// <summary>The first byte of [<paramref name="start"/>, <paramref name="end"/>) not fetched yet, or null when all are.</summary>
    public long? FirstMissing(long start, long end)
    {
        var at = start;
        foreach (var (s, e) in _have)
        {
            if (e <= at) continue;
            if (s > at) break;
            at = e;
        }
        return at < end ? at : null;
    }

    /// <summary>Where the next fetched range after <paramref name="offset"/> starts; null when none follows.</summary>
    public long? NextHeld(long offset)
    {
        foreach (var (s, _) in _have)
        {
            if (s > offset) return s;
        }
        return null;
    }

    /// <summary>The ranges not fetched yet, in order.</summary>
    public IReadOnlyList<(long Start, long End)> Gaps()
    {
        var gaps = new List<(long, long)>();
        long at = 0;
        foreach (var (s, e) in _have)
        {
            if (s > at) gaps.Add((at, s));
            at = Math.Max(at, e);
        }
        if (at < Length) gaps.Add((at, Length));
        return gaps;
    }

    /// <summary>A read-only view that throws <see cref="MissingBytesException"/> (and remembers where) when a reader touches a byte not fetched.</summary>
    public GuardedStream OpenGuarded() => new(this);

    /// <summary>
    /// A seekable read-only stream over the sparse file that refuses to hand out bytes that were never fetched:
    /// running a structure reader over it tells exactly which bytes that reader needs.
    /// </summary>
    internal sealed class GuardedStream(SparseBody body) : Stream
    {
        private readonly FileStream _file = new(body.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.RandomAccess);

        /// <summary>The first read that touched missing bytes: where it started and how many bytes it asked for.</summary>
        public (long Offset, long Count)? Missing { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => body.Length;

        public override long Position
        {
            get => _file.Position;
            set => _file.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var start = _file.Position;
            var end = Math.Min(body.Length, start + buffer.Length);
            if (start < end && body.FirstMissing(start, end) is { } first)
            {
                // Remembered as well as thrown: some readers (NAudio's cross-check) swallow every exception.
                Missing ??= (first, end - first);
                throw new MissingBytesException(first);
            }
            return _file.Read(buffer);
        }

        public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _file.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>A reader asked for bytes of a partly fetched body that were not fetched (not an IOException: probers turn those into findings).</summary>
internal sealed class MissingBytesException(long offset) : Exception($"Byte {offset} has not been fetched.")
{
    public long Offset { get; } = offset;
}
