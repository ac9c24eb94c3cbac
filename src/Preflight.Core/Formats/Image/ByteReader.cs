
namespace Preflight.Core.Formats.Image;

/// <summary>
/// Forward-only reader over a seekable stream with one small buffer, so structure walkers can look at every byte
/// of a large file (CRCs, entropy-coded data) with flat memory and without a virtual call per byte.
/// </summary>
internal sealed class ByteReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private int _index;

    public ByteReader(Stream stream, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        _bufferStart = stream.Position;
        Length = stream.Length;
    }

    public long Length { get; }

    public long Position => _bufferStart + _index;

    public long Remaining => Length - Position;

    /// <summary>Next byte, or -1 at the end of the file.</summary>
    public int ReadByte()
    {
        if (_index >= _bufferLength && !Fill()) return -1;
        return _buffer[_index++];
    }

    /// <summary>Next byte without consuming it, or -1 at the end of the file.</summary>
    public int PeekByte()
    {
        if (_index >= _bufferLength && !Fill()) return -1;
        return _buffer[_index];
    }

    /// <summary>Fills <paramref name="destination"/> completely, or returns false at the end of the file.</summary>
    public bool TryReadExactly(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var some = ReadSome(destination.Length);
            if (some.IsEmpty) return false;
            some.CopyTo(destination);
            destination = destination[some.Length..];
        }
        return true;
    }

    /// <summary>Up to <paramref name="max"/> next bytes (at least one unless at the end of the file).</summary>
    public ReadOnlySpan<byte> ReadSome(long max)
    {
        if (max <= 0) return [];
        if (_index >= _bufferLength && !Fill()) return [];
        var count = (int)Math.Min(max, _bufferLength - _index);
        var span = _buffer.AsSpan(_index, count);
        _index += count;
        return span;
    }

    /// <summary>Skips <paramref name="count"/> bytes; false (positioned at the end) when the file is shorter.</summary>
    public bool TrySkip(long count)
    {
        if (count <= _bufferLength - _index)
        {
            _index += (int)count;
            return true;
        }
        var target = Position + count;
        if (target > Length)
        {
            Seek(Length);
            return false;
        }
        Seek(target);
        return true;
    }

    /// <summary>
    /// Advances to the next occurrence of <paramref name="value"/> and leaves it unread.
    /// Returns false (positioned at the end) when there is none.
    /// </summary>
    public bool SkipTo(byte value)
    {
        while (true)
        {
            if (_index >= _bufferLength && !Fill()) return false;
            var found = _buffer.AsSpan(_index, _bufferLength - _index).IndexOf(value);
            if (found >= 0)
            {
                _index += found;
                return true;
            }
            _index = _bufferLength;
        }
    }

    private void Seek(long position)
    {
        _stream.Position = position;
        _bufferStart = position;
        _bufferLength = 0;
        _index = 0;
    }

    private bool Fill()
    {
        _bufferStart += _bufferLength;
        _index = 0;
        _bufferLength = 0;
        if (_stream.Position != _bufferStart) _stream.Position = _bufferStart;
        _bufferLength = _stream.Read(_buffer, 0, _buffer.Length);
        return _bufferLength > 0;
    }
}
