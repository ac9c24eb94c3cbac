namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// A buffered, read-only view of a stream that ends at a movable <see cref="Limit"/>. The frame walk searches through
/// garbage byte by byte; the limit bounds how far it may search, so a zero-filled or random file costs a few KB of
/// reading instead of the whole file, and trailing tags stay hidden. The walk looks ahead a frame or two and back for
/// every frame, so it reads through one 64 KB buffer rather than seeking the stream.
/// </summary>
internal sealed class WindowReader
{
    private readonly Stream _inner;
    private readonly long _innerLength;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _bufferStart;
    private int _bufferLength;

    public WindowReader(Stream inner)
    {
        _inner = inner;
        _innerLength = inner.Length;
        Limit = _innerLength;
    }

    /// <summary>Where the view ends (never past the stream).</summary>
    public long Limit { get; set; }

    /// <summary>The end of the view: the smaller of <see cref="Limit"/> and the stream's length.</summary>
    public long Length => Math.Min(Limit, _innerLength);

    /// <summary>
    /// Up to <paramref name="count"/> (at most 64 KB) bytes at <paramref name="offset"/>, fewer at the end of the view.
    /// The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Peek(long offset, int count)
    {
        var available = Length - offset;
        if (offset < 0 || available <= 0 || count <= 0) return [];
        count = (int)Math.Min(Math.Min(count, available), _buffer.Length);
        if (offset < _bufferStart || offset + count > _bufferStart + _bufferLength) Fill(offset);
        var start = (int)(offset - _bufferStart);
        return _buffer.AsSpan(start, Math.Min(count, _bufferLength - start));
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns how many.</summary>
    public int Read(long offset, Span<byte> destination)
    {
        var bytes = Peek(offset, destination.Length);
        bytes.CopyTo(destination);
        return bytes.Length;
    }

    private void Fill(long position)
    {
        _inner.Position = position;
        _bufferStart = position;
        _bufferLength = _inner.ReadAtLeast(_buffer, _buffer.Length, throwOnEndOfStream: false);
    }
}
