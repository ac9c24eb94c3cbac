namespace Preflight.Core.Probing.Audio;

/// <summary>
/// A read-only view of a stream that reports end-of-file at a movable <see cref="Limit"/>. NAudio's frame reader
/// resynchronises byte by byte through any amount of garbage; the limit bounds how far it may search, so a
/// zero-filled or random file costs a few KB of reading instead of the whole file; it also hides trailing tags.
/// </summary>
internal sealed class WindowStream(Stream inner) : Stream
{
    public long Limit { get; set; } = inner.Length;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    // NAudio 3 looks ahead at the next frame headers and treats "Length reached" as a clean end: the window must
    // look like the end of the file, not like unreadable bytes before it.
    public override long Length => Math.Min(Limit, inner.Length);

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var allowed = Limit - inner.Position;
        if (allowed <= 0) return 0;
        if (buffer.Length > allowed) buffer = buffer[..(int)allowed];
        return inner.Read(buffer);
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
