using Preflight.Core.Formats.Mp3;

namespace Preflight.Core.Tests.Formats.Mp3;

/// <summary>The one MPEG audio header parser: every version and layer, and every reason four bytes are not a header.</summary>
public sealed class MpegAudioFrameHeaderTests
{
    // Expected lengths worked out by hand from ISO 11172-3 / 13818-3:
    // Layer I: (12 * bitrate / rate + padding) * 4; Layer II: 144 * bitrate / rate + padding;
    // Layer III: 144 (MPEG-1) or 72 (MPEG-2/2.5) * bitrate / rate + padding.
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x00 }, 1, 3, 128, 44100, 417, 1152)] // MPEG-1 L3 128k 44.1k
    [InlineData(new byte[] { 0xFF, 0xFB, 0x92, 0x00 }, 1, 3, 128, 44100, 418, 1152)] // same, padded
    [InlineData(new byte[] { 0xFF, 0xFB, 0xE4, 0x00 }, 1, 3, 320, 48000, 960, 1152)]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x18, 0x00 }, 1, 3, 32, 32000, 144, 1152)]
    [InlineData(new byte[] { 0xFF, 0xFD, 0x90, 0x00 }, 1, 2, 160, 44100, 522, 1152)] // MPEG-1 L2
    [InlineData(new byte[] { 0xFF, 0xFD, 0xE8, 0x00 }, 1, 2, 384, 32000, 1728, 1152)] // the longest MPEG-1 frame
    [InlineData(new byte[] { 0xFF, 0xFF, 0x90, 0x00 }, 1, 1, 288, 44100, 312, 384)] // MPEG-1 L1: 78 slots
    [InlineData(new byte[] { 0xFF, 0xFF, 0x92, 0x00 }, 1, 1, 288, 44100, 316, 384)] // padding adds a 4-byte slot
    [InlineData(new byte[] { 0xFF, 0xF3, 0x80, 0x00 }, 2, 3, 64, 22050, 208, 576)] // MPEG-2 L3
    [InlineData(new byte[] { 0xFF, 0xF5, 0x80, 0x00 }, 2, 2, 64, 22050, 417, 1152)] // MPEG-2 L2
    [InlineData(new byte[] { 0xFF, 0xF7, 0x80, 0x00 }, 2, 1, 128, 22050, 276, 384)] // MPEG-2 L1
    [InlineData(new byte[] { 0xFF, 0xE3, 0x80, 0x00 }, 25, 3, 64, 11025, 417, 576)] // MPEG-2.5 L3
    [InlineData(new byte[] { 0xFF, 0xE3, 0x84, 0x00 }, 25, 3, 64, 12000, 384, 576)]
    [InlineData(new byte[] { 0xFF, 0xE5, 0xE8, 0x00 }, 25, 2, 160, 8000, 2880, 1152)] // the longest frame of all
    [InlineData(new byte[] { 0xFF, 0xE7, 0x18, 0x00 }, 25, 1, 32, 8000, 192, 384)] // MPEG-2.5 L1
    public void TryParse_EveryVersionAndLayer_GivesRateAndLength(byte[] bytes, int version, int layer, int kbps, int rate, int length, int samples)
    {
        Assert.True(MpegAudioFrameHeader.TryParse(bytes, out var header));

        Assert.Equal(version, header.Version);
        Assert.Equal(layer, header.Layer);
        Assert.Equal(kbps, header.BitrateKbps);
        Assert.Equal(rate, header.SampleRate);
        Assert.Equal(length, header.FrameLength);
        Assert.Equal(samples, header.SamplesPerFrame);
        Assert.Equal((bytes[2] & 2) != 0, header.Padded);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x00 }, "Stereo", 2, 32, false)]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x40 }, "JointStereo", 2, 32, false)]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x70 }, "JointStereo", 2, 32, false)] // mode extension in joint stereo
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x80 }, "DualChannel", 2, 32, false)]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0xC0 }, "Mono", 1, 17, false)]
    [InlineData(new byte[] { 0xFF, 0xF3, 0x80, 0xC0 }, "Mono", 1, 9, false)]
    [InlineData(new byte[] { 0xFF, 0xF3, 0x80, 0x00 }, "Stereo", 2, 17, false)]
    [InlineData(new byte[] { 0xFF, 0xFA, 0x90, 0x00 }, "Stereo", 2, 32, true)] // protection bit 0: CRC follows
    public void TryParse_ChannelModeAndCrc(byte[] bytes, string mode, int channels, int sideInfo, bool crc)
    {
        Assert.True(MpegAudioFrameHeader.TryParse(bytes, out var header));

        Assert.Equal(Enum.Parse<MpegChannelMode>(mode), header.ChannelMode);
        Assert.Equal(channels, header.Channels);
        Assert.Equal(sideInfo, header.SideInfoLength);
        Assert.Equal(crc, header.HasCrc);
    }

    [Theory]
    [InlineData(new byte[] { }, "NoSync")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90 }, "NoSync")] // too short
    [InlineData(new byte[] { 0xFE, 0xFB, 0x90, 0x00 }, "NoSync")]
    [InlineData(new byte[] { 0xFF, 0xDB, 0x90, 0x00 }, "NoSync")] // 10 sync bits only
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00 }, "NoSync")]
    [InlineData(new byte[] { 0xFF, 0xEB, 0x90, 0x00 }, "ReservedVersion")]
    [InlineData(new byte[] { 0xFF, 0xF9, 0x90, 0x00 }, "ReservedLayer")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0xF0, 0x00 }, "BadBitrate")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, "BadBitrate")] // a run of 0xFF is never a header
    [InlineData(new byte[] { 0xFF, 0xFB, 0x00, 0x00 }, "FreeFormat")]
    [InlineData(new byte[] { 0xFF, 0xF3, 0x02, 0x00 }, "FreeFormat")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x9C, 0x00 }, "ReservedSampleRate")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x02 }, "ReservedEmphasis")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x10 }, "ModeExtensionWithoutJointStereo")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0xE0 }, "ModeExtensionWithoutJointStereo")]
    public void Check_NotAUsableHeader_SaysWhy(byte[] bytes, string problem)
    {
        Assert.Equal(Enum.Parse<MpegHeaderProblem>(problem), MpegAudioFrameHeader.Check(bytes, out _));
        Assert.False(MpegAudioFrameHeader.TryParse(bytes, out _));
    }

    [Fact]
    public void Check_EveryFourByteValueWithSync_NeverThrowsAndLengthsFitTheLongestFrame()
    {
        // All 2^21 combinations after the 11 sync bits: valid ones have a frame that holds at least its own header.
        Span<byte> bytes = stackalloc byte[4];
        var valid = 0;
        for (var bits = 0; bits < 1 << 21; bits++)
        {
            bytes[0] = 0xFF;
            bytes[1] = (byte)(0xE0 | (bits >> 16));
            bytes[2] = (byte)(bits >> 8);
            bytes[3] = (byte)bits;
            if (MpegAudioFrameHeader.Check(bytes, out var header) != MpegHeaderProblem.None) continue;
            valid++;
            Assert.InRange(header.FrameLength, 21, 2881);
        }
        Assert.True(valid > 0);
    }

    [Fact]
    public void Continues_SameVersionLayerAndRate_BitrateAndPaddingMayChange()
    {
        MpegAudioFrameHeader.TryParse([0xFF, 0xFB, 0x90, 0x00], out var first);
        MpegAudioFrameHeader.TryParse([0xFF, 0xFB, 0xE2, 0x40], out var vbr);
        MpegAudioFrameHeader.TryParse([0xFF, 0xFB, 0x94, 0x00], out var otherRate);
        MpegAudioFrameHeader.TryParse([0xFF, 0xFD, 0x90, 0x00], out var otherLayer);
        MpegAudioFrameHeader.TryParse([0xFF, 0xF3, 0x90, 0x00], out var otherVersion);

        Assert.True(first.Continues(vbr));
        Assert.False(first.Continues(otherRate));
        Assert.False(first.Continues(otherLayer));
        Assert.False(first.Continues(otherVersion));
    }

    [Fact]
    public void FindChained_NeedsThreeFramesInARow_SoADecoyPairIsSkipped()
    {
        // Junk, a decoy: two chained headers then junk, then the real stream of 4 frames.
        var frame = Frame([0xFF, 0xFB, 0x90, 0x00], 417);
        var junk = Enumerable.Repeat((byte)0x55, 100).ToArray();
        byte[] data = [.. junk, .. frame, .. frame, .. junk, .. frame, .. frame, .. frame, .. frame];

        var at = MpegAudioFrameHeader.FindChained(data, 0, data.Length, ReadFrom(data));

        Assert.Equal(100 + 417 * 2 + 100, at);
    }

    [Fact]
    public void FindChained_TwoFramesEndingExactlyAtTheEnd_Count()
    {
        var frame = Frame([0xFF, 0xFB, 0x90, 0x00], 417);
        byte[] data = [.. new byte[30], .. frame, .. frame];

        Assert.Equal(30, MpegAudioFrameHeader.FindChained(data, 0, data.Length, ReadFrom(data)));
        Assert.Equal(-1, MpegAudioFrameHeader.FindChained(data, 0, data.Length + 1, ReadFrom(data)));
    }

    [Fact]
    public void FindChained_RandomData_FindsNothing()
    {
        for (var seed = 1; seed <= 50; seed++)
        {
            var data = new byte[64 * 1024];
            new Random(seed).NextBytes(data);
            Assert.Equal(-1, MpegAudioFrameHeader.FindChained(data, 0, data.Length, ReadFrom(data)));
        }
    }

    private static byte[] Frame(byte[] header, int length)
    {
        var frame = new byte[length];
        header.CopyTo(frame, 0);
        return frame;
    }

    private static Preflight.Core.Formats.Id3.ReadBytesAt ReadFrom(byte[] data) => (offset, destination) =>
    {
        if (offset >= data.Length) return 0;
        var bytes = data.AsSpan((int)offset, (int)Math.Min(destination.Length, data.Length - offset));
        bytes.CopyTo(destination);
        return bytes.Length;
    };
}
