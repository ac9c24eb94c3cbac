
namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// A buffered, read-only view of a stream that ends at a movable <see cref="Limit"/>. NAudio's frame reader
/// resynchronises byte by byte through any amount of garbage; the limit bounds how far it may search, so a
/// zero-filled or random file costs a few KB of reading instead of the whole file, and trailing tags stay hidden.
/// The own buffer matters because NAudio 3 seeks ahead to the next frame headers and back for every frame.
/// </summary>
internal sealed class WindowStream : Stream
{
    private readonly Stream _inner;
    private readonly long _innerLength;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _bufferStart;
    private int _bufferLength;
    private long _position;

    public WindowStream(Stream inner)
    {
        _inner = inner;
        _innerLength = inner.Length;
        Limit = _innerLength;
    }

    public long Limit { get; set; }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    // NAudio 3 treats "Length reached" as a clean end of the stream: the window must look like the end of the file.
    public override long Length => Math.Min(Limit, _innerLength);

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        var allowed = Length - _position;
        if (allowed <= 0) return 0;
        if (destination.Length > allowed) destination = destination[..(int)allowed];

        var total = 0;
        while (!destination.IsEmpty)
        {
            if (_position < _bufferStart || _position >= _bufferStart + _bufferLength)
            {
                Fill(_position);
                if (_bufferLength == 0) break;
            }
            var offset = (int)(_position - _bufferStart);
            var count = Math.Min(destination.Length, _bufferLength - offset);
            _buffer.AsSpan(offset, count).CopyTo(destination);
            destination = destination[count..];
            _position += count;
            total += count;
        }
        return total;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Fill(long position)
    {
        _inner.Position = position;
        _bufferStart = position;
        _bufferLength = _inner.ReadAtLeast(_buffer, _buffer.Length, throwOnEndOfStream: false);
    }
}
