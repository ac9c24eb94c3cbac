using System.Buffers;
using System.IO.Compression;
using Preflight.Core.Formats.Zlib;
using static System.FormattableString;

namespace Preflight.Core.Formats.Png;

/// <summary>The header facts that fix how many bytes a PNG's image data must inflate to.</summary>
internal readonly record struct PngHeader(uint Width, uint Height, int BitDepth, int ColorType, bool Interlaced)
{
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private int Channels => ColorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };

    /// <summary>
    /// The filtered scanlines' size: per row 1 filter byte + ceil(width × bits per pixel / 8); with Adam7 the sum over
    /// the seven passes, an empty pass (no column or no row) having no filter bytes at all. <see cref="long.MaxValue"/>
    /// when that does not fit in 64 bits (2^31-1 square at 64 bits per pixel does not).
    /// </summary>
    public long ExpectedBytes
    {
        get
        {
            try
            {
                return Bytes();
            }
            catch (OverflowException)
            {
                return long.MaxValue;
            }
        }
    }

    private long Bytes()
    {
        var bitsPerPixel = (long)Channels * BitDepth;
        long RowBytes(long columns) => checked(1 + (columns * bitsPerPixel + 7) / 8);
        if (!Interlaced) return checked(Height * RowBytes(Width));
        long total = 0;
        foreach (var (x0, y0, dx, dy) in Adam7)
        {
            var columns = Width > x0 ? (Width - x0 + dx - 1) / dx : 0;
            var rows = Height > y0 ? (Height - y0 + dy - 1) / dy : 0;
            if (columns > 0 && rows > 0) total = checked(total + rows * RowBytes(columns));
        }
        return total;
    }

    public string Describe() => Invariant($"{Width}x{Height}, {BitDepth}-bit colour type {ColorType}{(Interlaced ? ", Adam7-interlaced" : "")}");
}

/// <summary>
/// Inflates a PNG's IDAT zlib stream without keeping it: the stream must be a valid zlib stream, end cleanly with
/// the Adler-32 of what it inflated to, and yield exactly the bytes the header implies. Every chunk CRC can be right
/// while this is wrong (the encoder wrote a bad stream, or the damage was made before the CRCs), and decoders fill
/// what is missing with transparent black without a word.
/// </summary>
internal static class PngImageData
{
    /// <summary>Above this (a header of absurd size: the resolution rule fails it anyway) the data is not inflated.</summary>
    public const long MaxCheckedBytes = 512L * 1024 * 1024;

    /// <summary>Null when the stream is sound, else what is wrong with it.</summary>
    /// <param name="idat">Where each IDAT chunk's data lies in <paramref name="file"/>, in file order.</param>
    public static string? Check(Stream file, IReadOnlyList<(long Offset, long Length)> idat, PngHeader header)
    {
        var expected = header.ExpectedBytes;
        if (expected > MaxCheckedBytes) return null;
        var total = idat.Sum(s => s.Length);
        if (total < 6)
            return Invariant($"PNG image data (IDAT) is {total} bytes, too short for a zlib stream (2-byte header, 4-byte Adler-32): the file is damaged.");

        using var data = new SegmentStream(file, idat);
        Span<byte> zlibHeader = stackalloc byte[2];
        data.ReadExactly(zlibHeader);
        if ((zlibHeader[0] & 0x0F) != 8 || (zlibHeader[0] >> 4) > 7 || ((zlibHeader[0] << 8) | zlibHeader[1]) % 31 != 0 || (zlibHeader[1] & 0x20) != 0)
            return Invariant($"PNG image data (IDAT) does not start with a zlib header (bytes {zlibHeader[0]:X2} {zlibHeader[1]:X2}): the file is damaged.");
        var stored = data.Trailer;
        data.Position = 0;

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long produced = 0;
        var adler = new Adler32();
        try
        {
            using var zlib = new ZLibStream(data, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (produced + read > expected)
                {
                    return Invariant(
                        $"PNG image data (IDAT) inflates to more than the {expected:N0} bytes its header ({header.Describe()}) implies: the file is damaged.");
                }
                adler.Update(buffer.AsSpan(0, read));
                produced += read;
            }
        }
        catch (InvalidDataException e)
        {
            return Invariant(
                $"PNG image data (IDAT) is not a valid zlib stream after {produced:N0} of its {expected:N0} inflated bytes ({e.Message.TrimEnd('.')}): the image data is damaged.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (produced < expected)
        {
            return Invariant(
                $"PNG image data (IDAT) inflates to {produced:N0} bytes but its header ({header.Describe()}) implies {expected:N0}: the image data is cut short or damaged.");
        }
        if (adler.Value != stored)
        {
            return Invariant(
                $"PNG image data (IDAT) does not end with the Adler-32 of what it inflates to (stored 0x{stored:X8}, computed 0x{adler.Value:X8}): the image data is damaged or has bytes after its end.");
        }
        return null;
    }

    /// <summary>
    /// How many bytes the zlib stream of <paramref name="length"/> bytes at <paramref name="offset"/> inflates to,
    /// counting no further than <paramref name="limit"/> + 1; for a damaged stream, what it gave before the damage.
    /// </summary>
    public static long InflatedLength(Stream file, long offset, long length, long limit)
    {
        using var data = new SegmentStream(file, [(offset, length)]);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long produced = 0;
        try
        {
            using var zlib = new ZLibStream(data, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while (produced <= limit && (read = zlib.Read(buffer, 0, buffer.Length)) > 0) produced += read;
        }
        catch (InvalidDataException)
        {
            // Not a bomb: what the stream gave before its damage is all a decoder gets from it either.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return produced;
    }

    /// <summary>The IDAT chunks' data as one read-only stream (the zlib stream spans them).</summary>
    private sealed class SegmentStream(Stream file, IReadOnlyList<(long Offset, long Length)> segments) : Stream
    {
        private readonly long _length = segments.Sum(s => s.Length);
        private long _position;
        // The segment _position lies in and where it starts: reads go forward, so each carries on from the last one's
        // segment (searching from the first on every read made a stream split into many tiny IDAT chunks quadratic).
        private int _segment;
        private long _segmentStart;

        /// <summary>The last 4 bytes, big-endian: where the zlib stream's Adler-32 must be.</summary>
        public uint Trailer
        {
            get
            {
                Span<byte> last = stackalloc byte[4];
                Position = _length - 4;
                ReadExactly(last);
                return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(last);
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position
        {
            get => _position;
            set
            {
                _position = Math.Clamp(value, 0, _length);
                _segment = 0;
                _segmentStart = 0;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            for (; _segment < segments.Count; _segmentStart += segments[_segment].Length, _segment++)
            {
                var (offset, length) = segments[_segment];
                if (_position < _segmentStart + length)
                {
                    var within = _position - _segmentStart;
                    var take = (int)Math.Min(buffer.Length, length - within);
                    file.Position = offset + within;
                    var read = file.Read(buffer[..take]);
                    _position += read;
                    return read;
                }
            }
            return 0;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
