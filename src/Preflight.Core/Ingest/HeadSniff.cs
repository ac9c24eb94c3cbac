using Preflight.Core.Sniffing;

namespace Preflight.Core.Ingest;

/// <summary>
/// Sniffs the first bytes of a body that is still arriving, and answers only when the answer is certain: the same
/// <see cref="SniffResult"/> the sniffer will give the whole body, whatever bytes follow. The sniffer's detectors may
/// read beyond the head (a budgeted few KB) and compare sizes with the file's length; a read past the bytes held makes
/// the answer uncertain (wait for more), and an unknown length is settled by sniffing at both ends of what it can be.
/// </summary>
internal static class HeadSniff
{
    /// <summary>Bytes worth holding before a first try: the sniffer's head plus its extra-read budget.</summary>
    public const int UsualBytes = SniffContext.HeadSize + SniffContext.ExtraReadBudget;

    // Longer than any body, shorter than anything that overflows an offset computation.
    private const long Unbounded = long.MaxValue / 4;

    /// <summary>
    /// The sniff of a body that starts with <paramref name="prefix"/> and is <paramref name="length"/> bytes long
    /// (null: at least as long as the prefix, maybe longer); null when more bytes could change it.
    /// </summary>
    public static SniffResult? Certain(ReadOnlyMemory<byte> prefix, long? length)
    {
        if (prefix.IsEmpty) return null;
        if (length is { } known)
        {
            if (known < prefix.Length) return null;
            return Sniff(prefix, known);
        }

        // Detectors compare lengths monotonically (a box or pixel offset larger than the file) and read the same
        // bytes for every length at least as long as what they read: the shortest and the longest possible
        // lengths agreeing, with no read past the prefix, is an answer for every length in between.
        var shortest = Sniff(prefix, prefix.Length);
        var longest = Sniff(prefix, Unbounded);
        return shortest is not null && shortest == longest ? longest : null;
    }

    private static SniffResult? Sniff(ReadOnlyMemory<byte> prefix, long length)
    {
        using var stream = new PrefixStream(prefix, length);
        try
        {
            var result = FormatSniffer.Default.Sniff(stream);
            return stream.Overrun ? null : result;
        }
        catch (PrefixOverrunException)
        {
            return null;
        }
    }

    /// <summary>A seekable view of a body's first bytes that claims the body's whole length and refuses to read past the prefix.</summary>
    private sealed class PrefixStream(ReadOnlyMemory<byte> prefix, long length) : Stream
    {
        private long _position;

        /// <summary>Some read asked for bytes that have not arrived (remembered: a detector may swallow the exception).</summary>
        public bool Overrun { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var end = Math.Min(length, _position + buffer.Length);
            if (end <= _position) return 0;
            if (end > prefix.Length)
            {
                Overrun = true;
                throw new PrefixOverrunException();
            }
            var count = (int)(end - _position);
            prefix.Span.Slice((int)_position, count).CopyTo(buffer);
            _position = end;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class PrefixOverrunException() : Exception("The sniffer read past the bytes received so far.");
}
