using Preflight.Core.Sniffing;
using static Preflight.Core.Tests.Sniffing.Samples;

namespace Preflight.Core.Tests.Formats.Mp3;

/// <summary>MP3 and ADTS have only a frame sync, so these tests hold the detectors to "two real frames in a row".</summary>
public sealed class MpegAudioSniffTests
{
    private static SniffResult Sniff(byte[] bytes) => FormatSniffer.Default.Sniff(new MemoryStream(bytes));

    [Fact]
    public void Sniff_Id3v2TagThenFrames_SkipsTagAndNamesIt()
    {
        var result = Sniff(Concat(Id3(1024), Mp3Frames(5)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.Equal("audio/mpeg", result.Mime);
        Assert.Equal("two consecutive MPEG-1 Layer III frame headers at offset 1034 (after a 1034-byte ID3v2.4 tag)", result.Basis);
    }

    [Fact]
    public void Sniff_Id3v24TagWithFooter_SkipsFooterToo()
    {
        var result = Sniff(Concat(Id3(200, version: 4, footer: true), Mp3Frames(3)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.Contains("at offset 220 (after a 220-byte ID3v2.4 tag)", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_FooterFlagOnId3v23_IsNotAFooter()
    {
        // Flag 0x10 means "footer present" only in v2.4; in v2.3 it is undefined and adds nothing.
        var result = Sniff(Concat(Id3(200, version: 3, footer: false), Mp3Frames(3)));

        Assert.Contains("at offset 210", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_LargeId3v2Tag_ReadsPastItWithinBudget()
    {
        // Album art makes tags of hundreds of KB: far beyond the head, reached with small bounded reads.
        var tag = Id3(3_000_000);
        var result = Sniff(Concat(tag, Mp3Frames(3)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.Contains($"at offset {tag.Length} (after a {tag.Length}-byte ID3v2.4 tag)", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_TwoChainedId3v2Tags_SkipsBoth()
    {
        var result = Sniff(Concat(Id3(100), Id3(50, version: 3), Mp3Frames(3)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.Contains("at offset 170 (after 2 ID3v2 tags, 170 bytes in all)", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_ZeroPaddingAfterTag_IsTolerated()
    {
        var result = Sniff(Concat(Id3(100), new byte[64], Mp3Frames(3)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.Contains("at offset 174 (after a 110-byte ID3v2.4 tag and 64 zero bytes)", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_Mpeg2Layer3Frames_IsMp3()
    {
        // MPEG-2, 64 kbit/s, 22.05 kHz: 72 * 64000 / 22050 = 208-byte frames.
        var frame = Pad([0xFF, 0xF3, 0x80, 0x00], 208);
        var result = Sniff(Concat(frame, frame, frame));

        Assert.Equal(KnownFormats.Mp3, result.Format);
        Assert.Contains("MPEG-2 Layer III", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_VariableBitrateFrames_IsMp3()
    {
        // 128 kbit/s (417 bytes), then 320 kbit/s with padding (1045 bytes): VBR streams change bitrate per frame.
        var result = Sniff(Concat(Pad([0xFF, 0xFB, 0x90, 0x00], 417), Pad([0xFF, 0xFB, 0xE2, 0x00], 1045), Mp3Frames(1)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
    }

    [Fact]
    public void Sniff_PaddedFirstFrame_FindsSecondOneByteLater()
    {
        var result = Sniff(Concat(Pad([0xFF, 0xFB, 0x92, 0x00], 418), Mp3Frames(2)));

        Assert.Equal(KnownFormats.Mp3, result.Format);
    }

    public static TheoryData<string, byte[]> NotMp3 => new()
    {
        { "lone frame header then zeros", Pad([0xFF, 0xFB, 0x90, 0x00], 4000) },
        { "lone frame header at end of file", Pad([0xFF, 0xFB, 0x90, 0x00], 417) },
        { "second header one byte early", Concat(Pad([0xFF, 0xFB, 0x90, 0x00], 416), Mp3Frames(2)) },
        { "second header changes sample rate", Concat(Pad([0xFF, 0xFB, 0x90, 0x00], 417), Mp3Frames(1, [0xFF, 0xFB, 0x94, 0x00])) },
        { "second header changes version", Concat(Pad([0xFF, 0xFB, 0x90, 0x00], 417), Mp3Frames(1, [0xFF, 0xF3, 0x90, 0x00])) },
        { "Layer II frames", Mp3Frames(3, [0xFF, 0xFD, 0x90, 0x00]) },
        { "Layer I frames", Mp3Frames(3, [0xFF, 0xFF, 0x90, 0x00]) },
        { "free-format bitrate", Mp3Frames(3, [0xFF, 0xFB, 0x00, 0x00]) },
        { "bad bitrate index", Mp3Frames(3, [0xFF, 0xFB, 0xF0, 0x00]) },
        { "reserved sample rate", Mp3Frames(3, [0xFF, 0xFB, 0x9C, 0x00]) },
        { "reserved version", Mp3Frames(3, [0xFF, 0xEB, 0x90, 0x00]) },
        { "reserved emphasis", Mp3Frames(3, [0xFF, 0xFB, 0x90, 0x02]) },
        { "frames after 600 zero bytes", Concat(new byte[600], Mp3Frames(3)) },
        { "ID3 tag with a broken syncsafe size", Concat([(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0x80, 0], Mp3Frames(3)) },
        { "lone ADTS frame", Pad(AdtsFrames(1), 2000) },
        { "ADTS second frame elsewhere", Concat(AdtsFrames(1, 200), new byte[10], AdtsFrames(2, 200)) },
    };

    [Theory]
    [MemberData(nameof(NotMp3))]
    public void Sniff_NotTwoConsistentFrames_IsNotMp3OrAac(string name, byte[] bytes)
    {
        var result = Sniff(bytes);

        Assert.True(result.Format is not (KnownFormats.Mp3 or KnownFormats.Aac), $"{name}: got {result.Format} ({result.Basis})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(417)]
    [InlineData(10_000)]
    [InlineData(1_000_000)]
    public void Sniff_AllZeroBuffer_IsUnknown(int length)
    {
        var result = Sniff(new byte[length]);

        Assert.Equal(KnownFormats.Unknown, result.Format);
    }

    [Fact]
    public void Sniff_RandomBuffers_AreNeverMp3OrAac()
    {
        for (var seed = 1; seed <= 200; seed++)
        {
            var result = Sniff(Random(16 * 1024, seed));
            Assert.True(result.Format is not (KnownFormats.Mp3 or KnownFormats.Aac), $"seed {seed}: {result.Basis}");
        }
    }

    [Fact]
    public void Sniff_ValidHeaderThenRandomBytes_IsNotMp3()
    {
        for (var seed = 1; seed <= 100; seed++)
        {
            var bytes = Random(8 * 1024, seed);
            bytes[0] = 0xFF;
            bytes[1] = 0xFB;
            bytes[2] = 0x90;
            bytes[3] = 0x00;
            Assert.NotEqual(KnownFormats.Mp3, Sniff(bytes).Format);
        }
    }
}
