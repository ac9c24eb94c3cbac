using Preflight.Core.Formats.Mp3;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Sniffing;
using Preflight.Core.Tests.Formats.Wav;
using Preflight.Core.Tests.Probing;
using Preflight.Core.Tests.Probing.Audio;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Formats.Mp3;

public sealed class Mp3ProberTests(AudioFilesFixture files) : IClassFixture<AudioFilesFixture>, IDisposable
{
    private const double Tolerance = 0.06;
    private readonly Mp3Prober _prober = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ProbeResult ProbeBytes(byte[] bytes) => _prober.Probe(_dir.Write("test.mp3", bytes));


    [Theory]
    [InlineData("cbr.mp3", 44100, 1)]
    [InlineData("vbr_stereo.mp3", 48000, 2)]
    [InlineData("tagged.mp3", 44100, 1)]
    [InlineData("noxing.mp3", 44100, 1)]
    public void Probe_RealMp3_ReportsFacts(string name, int rate, int channels)
    {
        var result = _prober.Probe(files.Path(name));

        Assert.Empty(result.Findings);
        Assert.Equal("mp3", result.Media.AudioCodec);
        Assert.Equal(rate, result.Media.SampleRate);
        Assert.Equal(channels, result.Media.Channels);
        Assert.InRange(result.Media.DurationSeconds ?? 0, AudioFilesFixture.Seconds - Tolerance, AudioFilesFixture.Seconds + Tolerance);
    }

    [Theory]
    [InlineData("cbr.mp3", 0.5)]
    [InlineData("cbr.mp3", 0.97)]
    [InlineData("vbr_stereo.mp3", 0.3)]
    [InlineData("vbr_stereo.mp3", 0.8)]
    [InlineData("noxing.mp3", 0.6)]
    public void Probe_TruncatedRealMp3_IsCorrupt(string name, double keep)
    {
        var bytes = files.Bytes(name);

        ProbeAssert.Corrupt(ProbeBytes(bytes[..(int)(bytes.Length * keep)]), "truncated");
    }

    [Fact]
    public void Probe_LastFrameCut_SaysSo()
    {
        var bytes = files.Bytes("noxing.mp3");

        ProbeAssert.Corrupt(ProbeBytes(bytes[..^7]), "cut off");
    }

    [Fact]
    public void Probe_EndsInsideAFrameHeader_IsTruncated()
    {
        var bytes = files.Bytes("noxing.mp3");
        var cut = FrameBoundaryNear(bytes, bytes.Length / 2) + 2;

        ProbeAssert.Corrupt(ProbeBytes(bytes[..cut]), "2 byte(s) into a frame header");
    }

    [Fact]
    public void Probe_XingFileCutOnAFrameBoundary_IsTruncated()
    {
        var bytes = files.Bytes("cbr.mp3");
        var cut = FrameBoundaryNear(bytes, bytes.Length / 2);

        ProbeAssert.Corrupt(ProbeBytes(bytes[..cut]), "header declares");
    }

    [Theory]
    [InlineData("cbr.mp3")]
    [InlineData("vbr_stereo.mp3")]
    public void Probe_LameTaggedFileMissingOnlyItsLastFrame_IsTruncated(string name)
    {
        // A LAME tag counts exactly the audio frames; one frame missing is a cut file, not encoder disagreement.
        var bytes = files.Bytes(name);
        var lastFrame = LastFrameStart(bytes);

        ProbeAssert.Corrupt(ProbeBytes(bytes[..lastFrame]), "header declares");
    }

    [Fact]
    public void Probe_ZeroFilled_HasNoFrames()
    {
        ProbeAssert.Corrupt(ProbeBytes(new byte[200_000]), "no MPEG audio frames");
    }

    [Fact]
    public void Probe_RandomBytes_HaveNoFrames()
    {
        var random = new byte[200_000];
        new Random(7).NextBytes(random);

        ProbeAssert.Corrupt(ProbeBytes(random), "no MPEG audio frames");
    }

    [Fact]
    public void Probe_OnlyAnId3Tag_HasNoFrames()
    {
        var bytes = files.Bytes("tagged.mp3");
        var tagLength = 10 + ((bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9]);

        ProbeAssert.Corrupt(ProbeBytes(bytes[..tagLength]), "no MPEG audio frames");
    }

    [Fact]
    public void Probe_OnlyTheInfoFrame_HasNoFrames()
    {
        var bytes = files.Bytes("cbr.mp3");
        var start = AudioStart(bytes);
        var info = start + FrameLength(bytes, start);

        ProbeAssert.Corrupt(ProbeBytes(bytes[..info]), "only a Xing/Info header frame");
    }

    [Fact]
    public void Probe_Id3TagRunningPastEnd_IsTruncated()
    {
        byte[] tag = [.. "ID3"u8, 4, 0, 0, 0, 0, 0x7F, 0x7F, 1, 2, 3];

        ProbeAssert.Corrupt(ProbeBytes(tag), "ID3v2 tag");
    }

    [Fact]
    public void Probe_Id3v23TagWithFlag0x10_HasNoFooterAndEveryFrameCounts()
    {
        // Flag 0x10 is "footer present" only in v2.4: the sniffer and the walk once disagreed about this tag.
        var frames = Samples.Mp3Frames(40);
        var tag = Samples.Id3(200, version: 3);
        tag[5] = 0x10;

        var untagged = ProbeBytes(frames);
        var tagged = ProbeBytes([.. tag, .. frames]);

        Assert.Empty(untagged.Findings);
        Assert.Empty(tagged.Findings);
        Assert.Equal(untagged.Media.DurationSeconds, tagged.Media.DurationSeconds);
        Assert.Equal(KnownFormats.Mp3, FormatSniffer.Default.Sniff(_dir.Write("tagged.mp3", [.. tag, .. frames])).Format);
    }

    [Fact]
    public void Probe_Id3TagWithInvalidVersion_IsDamaged()
    {
        var tag = Samples.Id3(200, version: 5);

        ProbeAssert.Corrupt(ProbeBytes([.. tag, .. Samples.Mp3Frames(10)]), "ID3v2 tag at offset 0 has an invalid header");
    }

    [Fact]
    public void Probe_LongGarbageBetweenFrames_IsCorruptWithOffset()
    {
        var bytes = files.Bytes("noxing.mp3");
        var at = FrameBoundaryNear(bytes, bytes.Length / 2);
        var junk = new byte[20_000];
        new Random(3).NextBytes(junk);

        var result = ProbeBytes([.. bytes[..at], .. junk, .. bytes[at..]]);

        ProbeAssert.Corrupt(result, "non-audio data between its frames");
        // NAudio 3 only accepts a frame followed by another valid header, so the frame before the junk may count too.
        var reported = long.Parse(System.Text.RegularExpressions.Regex.Match(result.Findings[0].Message, @"at offset ([\d,]+)")
            .Groups[1].Value.Replace(",", ""));
        Assert.InRange(reported, at - 1500, at);
    }

    [Fact]
    public void Probe_TinyJunkBetweenFrames_IsTolerated()
    {
        var bytes = files.Bytes("noxing.mp3");
        var at = FrameBoundaryNear(bytes, bytes.Length / 2);

        var result = ProbeBytes([.. bytes[..at], 0, 0, 0, .. bytes[at..]]);

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Probe_TrailingTags_AreNotGarbage()
    {
        var bytes = files.Bytes("noxing.mp3");
        byte[] ape = ApeTag(2000);
        var id3v1 = new byte[128];
        "TAG"u8.CopyTo(id3v1);

        var result = ProbeBytes([.. bytes, .. ape, .. id3v1]);

        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFD, 0x90, 0xC0 }, 522, "mp2", 44100, 1, 1152)] // MPEG-1 Layer II, mono
    [InlineData(new byte[] { 0xFF, 0xFF, 0x90, 0x00 }, 312, "mp1", 44100, 2, 384)] // MPEG-1 Layer I: 4-byte slots
    [InlineData(new byte[] { 0xFF, 0xF5, 0x80, 0x40 }, 417, "mp2", 22050, 2, 1152)] // MPEG-2 Layer II, joint stereo
    [InlineData(new byte[] { 0xFF, 0xF3, 0x80, 0x00 }, 208, "mp3", 22050, 2, 576)] // MPEG-2 Layer III
    [InlineData(new byte[] { 0xFF, 0xE3, 0x80, 0xC0 }, 417, "mp3", 11025, 1, 576)] // MPEG-2.5 Layer III
    public void Probe_FramesOfEveryVersionAndLayer_AreWalked(byte[] header, int frameLength, string codec, int rate, int channels, int samples)
    {
        var frame = Samples.Pad(header, frameLength);
        var bytes = Samples.Concat(Enumerable.Repeat(frame, 200).ToArray());

        var result = ProbeBytes(bytes);

        Assert.Empty(result.Findings);
        Assert.Equal(codec, result.Media.AudioCodec);
        Assert.Equal(rate, result.Media.SampleRate);
        Assert.Equal(channels, result.Media.Channels);
        Assert.Equal(Math.Round(200.0 * samples / rate, 3), result.Media.DurationSeconds);
    }

    [Fact]
    public void Probe_FreeFormatFrames_HaveNoFrames()
    {
        // Bitrate index 0: the frame length is not in the header, so there is nothing to chain (ffmpeg rarely meets these).
        ProbeAssert.Corrupt(ProbeBytes(Samples.Mp3Frames(50, [0xFF, 0xFB, 0x00, 0x00])), "no MPEG audio frames");
    }

    [Fact]
    public void Probe_PaddedFramesMixedWithUnpadded_EveryFrameCounts()
    {
        // 44.1 kHz streams alternate 417- and 418-byte frames; padding is part of the length.
        var frames = Enumerable.Range(0, 100)
            .Select(i => i % 3 == 0 ? Samples.Pad([0xFF, 0xFB, 0x92, 0x00], 418) : Samples.Pad([0xFF, 0xFB, 0x90, 0x00], 417))
            .ToArray();

        var result = ProbeBytes(Samples.Concat(frames));

        Assert.Empty(result.Findings);
        Assert.Equal(Math.Round(100 * 1152 / 44100.0, 3), result.Media.DurationSeconds);
    }

    [Fact]
    public void Probe_WavBytes_HaveNoFrames()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { DataBytes = 0 }.Build()), "no MPEG audio frames");
    }

    private static byte[] ApeTag(int itemBytes)
    {
        var tag = new byte[itemBytes + 32];
        var footer = tag.AsSpan(itemBytes);
        "APETAGEX"u8.CopyTo(footer);
        BitConverter.TryWriteBytes(footer[8..], 2000);
        BitConverter.TryWriteBytes(footer[12..], itemBytes + 32);
        return tag;
    }

    private static int AudioStart(byte[] bytes) =>
        bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3'
            ? 10 + ((bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9])
            : 0;

    /// <summary>Length of the MPEG-1 Layer III frame at <paramref name="offset"/> (what ffmpeg's lame output uses).</summary>
    private static int FrameLength(byte[] bytes, int offset)
    {
        int[] bitRates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
        int[] rates = [44100, 48000, 32000];
        Assert.Equal(0xFF, bytes[offset]);
        Assert.Equal(0xFA, bytes[offset + 1] & 0xFE); // MPEG-1 Layer III
        var bitRate = bitRates[bytes[offset + 2] >> 4] * 1000;
        var rate = rates[(bytes[offset + 2] >> 2) & 3];
        var padding = (bytes[offset + 2] >> 1) & 1;
        return 144 * bitRate / rate + padding;
    }

    private static int LastFrameStart(byte[] bytes)
    {
        var offset = AudioStart(bytes);
        var last = offset;
        while (offset + 4 <= bytes.Length && bytes[offset] == 0xFF)
        {
            last = offset;
            offset += FrameLength(bytes, offset);
        }
        return last;
    }

    private static int FrameBoundaryNear(byte[] bytes, int target)
    {
        var offset = AudioStart(bytes);
        while (offset < target) offset += FrameLength(bytes, offset);
        return offset;
    }
}
