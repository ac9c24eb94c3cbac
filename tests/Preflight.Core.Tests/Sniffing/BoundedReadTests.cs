using Preflight.Core.Sniffing;
using static Preflight.Core.Tests.Sniffing.Samples;

namespace Preflight.Core.Tests.Sniffing;

/// <summary>Sniffing must cost a few KB of I/O however big the file is or claims to be.</summary>
public sealed class BoundedReadTests
{
    private const long MaxBytesRead = SniffContext.HeadSize + SniffContext.ExtraReadBudget;

    public static TheoryData<string, byte[]> Prefixes => new()
    {
        { "zeros", [] },
        { "ID3 tag claiming 256 MB", [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F] },
        { "MP3 frames", Mp3Frames(4) },
        { "free atom of 1 GB", Concat(BigEndian(0x3FFF_FFF0), Ascii("free")) },
        { "text", Utf8(new string('x', 20_000)) },
        { "JSON", Utf8("[" + string.Join(",", Enumerable.Repeat("1", 20_000)) + "]") },
        { "ftyp", Ftyp("isom", "isom") },
    };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Sniff_OneGigabyteStream_ReadsOnlyAFewKilobytes(string name, byte[] prefix)
    {
        using var stream = new CountingStream(prefix, length: 1L << 30);

        var result = FormatSniffer.Default.Sniff(stream);

        Assert.NotNull(result.Format);
        Assert.True(stream.BytesRead <= MaxBytesRead, $"{name}: read {stream.BytesRead} bytes");
        Assert.True(stream.BytesRead > 0, name);
    }

    [Fact]
    public void Sniff_ChainOfId3TagsPointingFarAway_StaysWithinBudget()
    {
        // Each tag header sits where the previous tag says the audio starts; every hop is a seek, none a scan.
        var data = new Dictionary<long, byte[]>();
        long at = 0;
        for (var i = 0; i < 10; i++)
        {
            data[at] = Id3Header(0x0FFF_FFF0);
            at += 10 + 0x0FFF_FFF0;
        }
        using var stream = new CountingStream([], length: 1L << 40, data);

        var result = FormatSniffer.Default.Sniff(stream);

        Assert.Equal(KnownFormats.Unknown, result.Format);
        Assert.True(stream.BytesRead <= MaxBytesRead, $"read {stream.BytesRead} bytes");
    }

    [Fact]
    public void Sniff_File_ReadsOnlyAFewKilobytes()
    {
        using var dir = new Preflight.TestSupport.TempDir();
        var path = dir.Write("big.bin", Concat(Id3(3_000_000), Mp3Frames(10)));
        using var file = File.OpenRead(path);
        using var stream = new CountingStream(file);

        var result = FormatSniffer.Default.Sniff(stream);

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.True(stream.BytesRead <= MaxBytesRead, $"read {stream.BytesRead} bytes");
    }

    /// <summary>A seekable stream that counts the bytes handed out; either virtual (prefix + zeros) or wrapping another.</summary>
    private sealed class CountingStream : Stream
    {
        private readonly Stream? _inner;
        private readonly byte[] _prefix = [];
        private readonly Dictionary<long, byte[]> _islands = [];
        private readonly long _length;
        private long _position;

        public CountingStream(byte[] prefix, long length, Dictionary<long, byte[]>? islands = null)
        {
            _prefix = prefix;
            _length = length;
            _islands = islands ?? [];
        }

        public CountingStream(Stream inner)
        {
            _inner = inner;
            _length = inner.Length;
        }

        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Max(0, Math.Min(count, _length - _position));
            if (_inner is not null)
            {
                _inner.Position = _position;
                n = _inner.Read(buffer, offset, n);
            }
            else
            {
                Array.Clear(buffer, offset, n);
                Copy(_prefix, 0, buffer, offset, n);
                foreach (var (at, island) in _islands) Copy(island, at, buffer, offset, n);
            }
            _position += n;
            BytesRead += n;
            return n;
        }

        private void Copy(byte[] source, long sourceAt, byte[] buffer, int offset, int n)
        {
            for (var i = 0; i < n; i++)
            {
                var index = _position + i - sourceAt;
                if (index >= 0 && index < source.Length) buffer[offset + i] = source[index];
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
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
