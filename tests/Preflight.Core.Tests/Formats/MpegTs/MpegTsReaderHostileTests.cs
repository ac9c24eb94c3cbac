using Preflight.Core.Formats.MpegTs;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Formats.MpegTs;

/// <summary>Damaged and hostile transport streams: the reader never throws, reads only its bounds, and says null when unsure.</summary>
public sealed class MpegTsReaderHostileTests(MpegTsSamples samples) : IClassFixture<MpegTsSamples>
{
    private const string Sample = "h264-aac.ts";

    private byte[] Good => File.ReadAllBytes(samples[Sample]);

    [Theory]
    [InlineData(0)]
    [InlineData(187)]
    [InlineData(188 * 3)]
    [InlineData(1000)]
    [InlineData(188 * 20 + 7)]
    public void Read_TruncatedEarly_Null(int length)
    {
        Assert.Null(Read(Good[..Math.Min(length, Good.Length)]));
    }

    [Fact]
    public void Read_TruncatedMidPacket_AnswersWithoutThePartialPacketOrNull()
    {
        var good = Good;
        var facts = Read(good[..(good.Length / 2 + 100)]);

        // The start is there, so the sizes are; the end is earlier than the whole file's.
        if (facts is not null)
        {
            Assert.Equal((320, 240), (facts.Width, facts.Height));
            Assert.True(facts.DurationSeconds < Read(good)!.DurationSeconds);
        }
    }

    [Fact]
    public void Read_GarbageAfterEverySyncByte_Null()
    {
        var bytes = Good;
        var random = new Random(15);
        for (var at = 0; at + 188 <= bytes.Length; at += 188)
            random.NextBytes(bytes.AsSpan(at + 1, 187));

        Assert.Null(Read(bytes));
    }

    [Fact]
    public void Read_RandomBytesWithSyncEvery188_Null()
    {
        var bytes = new byte[188 * 2000];
        new Random(7).NextBytes(bytes);
        for (var at = 0; at < bytes.Length; at += 188) bytes[at] = 0x47;

        Assert.Null(Read(bytes));
    }

    [Fact]
    public void Read_GoodSample_Answers()
    {
        // The cases below change one thing in this sample, which reads fine as it is.
        Assert.NotNull(Read(Good));
    }

    [Fact]
    public void Read_PatPointingAtItself_Null()
    {
        var bytes = Good;
        var pat = bytes.AsSpan(FindPsi(bytes, tableId: 0x00));
        pat[10] = 0xE0; // the program's PMT on PID 0, where the PAT is
        pat[11] = 0x00;
        WriteCrc(pat[..(3 + SectionLength(pat))]);

        Assert.Null(Read(bytes));
    }

    [Fact]
    public void Read_PmtSectionLengthPastThePacket_Null()
    {
        var bytes = Good;
        var pmt = bytes.AsSpan(FindPsi(bytes, tableId: 0x02));
        pmt[1] = (byte)((pmt[1] & 0xF0) | 0x03); // section_length 0x3xx: far past the 188-byte packet

        Assert.Null(Read(bytes));
    }

    [Fact]
    public void Read_PmtWithBadCrc_Null()
    {
        var bytes = Good;
        var pmt = bytes.AsSpan(FindPsi(bytes, tableId: 0x02));
        pmt[2 + SectionLength(pmt)] ^= 0xFF;

        Assert.Null(Read(bytes));
    }

    [Fact]
    public void Read_PmtListingAStreamTypeItDoesNotKnow_Null()
    {
        // The good sample, its PMT rewritten to declare the audio as private data (0x06).
        var bytes = Good;
        var pmtAt = FindPsi(bytes, tableId: 0x02);
        var section = bytes.AsSpan(pmtAt);
        var length = SectionLength(section);
        var programInfo = ((section[10] & 0x0F) << 8) | section[11];
        var second = 12 + programInfo + 5 + (((section[12 + programInfo + 3] & 0x0F) << 8) | section[12 + programInfo + 4]);
        Assert.Equal(0x0F, section[second]);
        section[second] = 0x06;
        WriteCrc(section[..(3 + length)]);

        Assert.Null(Read(bytes));
    }

    [Fact]
    public void Read_ScrambledPackets_Null()
    {
        var bytes = Good;
        for (var at = 0; at + 188 <= bytes.Length; at += 188)
        {
            var pid = ((bytes[at + 1] & 0x1F) << 8) | bytes[at + 2];
            if (pid > 0x100) bytes[at + 3] |= 0x80;
        }
        Assert.Null(Read(bytes));
    }

    /// <summary>Seeded mutations of a good stream (head and tail): never a throw; an answer or null.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_MutatedStream_NeverThrows(int seed)
    {
        var random = new Random(seed);
        var good = Good;
        var answered = 0;
        for (var round = 0; round < 150; round++)
        {
            var bytes = (byte[])good.Clone();
            var flips = random.Next(1, 40);
            for (var i = 0; i < flips; i++)
            {
                // Mostly the first and last few packets, where the tables, headers and end timestamps are.
                var at = random.Next(3) switch
                {
                    0 => random.Next(Math.Min(bytes.Length, 188 * 8)),
                    1 => bytes.Length - 1 - random.Next(Math.Min(bytes.Length, 188 * 16)),
                    _ => random.Next(bytes.Length),
                };
                bytes[at] = random.Next(4) == 0 ? (byte)0x47 : (byte)random.Next(256);
            }
            var cut = random.Next(5) == 0 ? random.Next(bytes.Length) : bytes.Length;

            var facts = Read(bytes[..cut]);
            if (facts is not null)
            {
                answered++;
                Assert.True(facts.DurationSeconds > 0);
                Assert.True(facts.VideoCodec is not null || facts.AudioCodec is not null);
            }
        }
        Assert.InRange(answered, 0, 150);
    }

    [Fact]
    public void Read_LargeFile_ReadsOnlyHeadAndTail()
    {
        var path = samples["mpeg2-long-4mb.ts"];
        using var file = File.OpenRead(path);
        using var counting = new CountingStream(file);

        var facts = MpegTsReader.Read(counting);

        Assert.NotNull(facts);
        Assert.True(file.Length > MpegTsReader.HeadBytes + MpegTsReader.TailBytes, "the sample must be larger than head + tail");
        Assert.InRange(counting.BytesRead, 1, MpegTsReader.HeadBytes + MpegTsReader.TailBytes);
    }

    private static MediaFacts? Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return MpegTsReader.Read(stream);
    }

    private static int FindPsi(byte[] bytes, byte tableId)
    {
        for (var at = 0; at + 188 <= bytes.Length; at += 188)
        {
            if ((bytes[at + 1] & 0x40) == 0 || ((bytes[at + 1] & 0x1F) << 8 | bytes[at + 2]) is 0 or >= 0x1FFF) continue;
            var payload = at + 4 + ((bytes[at + 3] & 0x20) != 0 ? 1 + bytes[at + 4] : 0);
            var section = payload + 1 + bytes[payload];
            if (bytes[section] == tableId) return section;
        }
        throw new InvalidOperationException("no such table");
    }

    private static int SectionLength(ReadOnlySpan<byte> section) => ((section[1] & 0x0F) << 8) | section[2];

    private static void WriteCrc(Span<byte> section)
    {
        var crc = Crc32Mpeg.Compute(section[..^4]);
        section[^4] = (byte)(crc >> 24);
        section[^3] = (byte)(crc >> 16);
        section[^2] = (byte)(crc >> 8);
        section[^1] = (byte)crc;
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
