using Preflight.Core.Probing.Video;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>How ffprobe/ffmpeg stderr becomes report text, and which formats get a forced demuxer.</summary>
public sealed class FfprobeStderrTests
{
    private const string Private = "/tmp/preflight-probe-Ab12Cd/input.mp4";

    [Fact]
    public void Clean_ReplacesPrivatePathAndShortensComponentPrefix()
    {
        var lines = FfmpegStderr.Clean(
            ["[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5560e6bbc4c0] moov atom not found", "", $"{Private}: Invalid data found when processing input"],
            Private, "holiday.mp4");

        Assert.Equal(["mov,mp4,m4a,3gp,3g2,mj2: moov atom not found", "holiday.mp4: Invalid data found when processing input"], lines);
    }

    [Fact]
    public void Clean_VeryLongLine_IsCut()
    {
        var line = Assert.Single(FfmpegStderr.Clean([new string('x', 5000)], Private, "a.mp4"));

        Assert.Equal(301, line.Length);
    }

    [Fact]
    public void FirstMeaningful_PrefersSpecificLineOverGenericOne()
    {
        Assert.Equal("moov atom not found",
            FfmpegStderr.FirstMeaningful(["a.mp4: Invalid data found when processing input", "moov atom not found"]));
        Assert.Equal("a.mp4: Invalid data found when processing input",
            FfmpegStderr.FirstMeaningful(["a.mp4: Invalid data found when processing input"]));
        Assert.Null(FfmpegStderr.FirstMeaningful([]));
    }

    [Theory]
    [InlineData("ffprobe: error while loading shared libraries: libshine.so.3: failed to map segment from shared object", true)]
    [InlineData("Error while opening decoder for input stream #0:0 : Resource temporarily unavailable", true)]
    [InlineData("a.mp4: Cannot allocate memory", true)]
    [InlineData("mov: moov atom not found", false)]
    [InlineData(FfmpegWrapperFolders.CapFailed + " (524288 KiB)", true)]
    public void IsResourceFailure_Cases(string line, bool expected)
    {
        Assert.Equal(expected, FfmpegStderr.IsResourceFailure([line]));
    }

    [Fact]
    public void IsResourceFailure_CapCouldNotBeSet_IsTheSetupNotTheFile()
    {
        // The wrapper's shell could not set the cap and ran nothing: probe.failed, whatever the peak.
        Assert.True(FfmpegStderr.IsResourceFailure(
            ["sh: 4: ulimit: error setting limit (Operation not permitted)", FfmpegWrapperFolders.CapFailed + " (524288 KiB)"],
            peakBytes: 0, capBytes: 512L * 1024 * 1024));
    }

    [Theory]
    [InlineData(KnownFormats.Mp4, "mov", "input.mp4")]
    [InlineData(KnownFormats.Mov, "mov", "input.mov")]
    [InlineData(KnownFormats.M4a, "mov", "input.m4a")]
    [InlineData(KnownFormats.ThreeGp, "mov", "input.3gp")]
    [InlineData(KnownFormats.Wav, "wav", "input.wav")]
    [InlineData(KnownFormats.Mp3, "mp3", "input.mp3")]
    public void FfmpegInput_AcceptedFormat_ForcesItsDemuxer(string format, string demuxer, string linkName)
    {
        var input = FfmpegInput.For(format)!;

        Assert.Equal(demuxer, input.Demuxer);
        Assert.Equal(linkName, input.LinkName);
        Assert.StartsWith($"-f {demuxer} -format_whitelist ", input.InputArguments);
        Assert.EndsWith(" -protocol_whitelist file", input.InputArguments);
    }

    [Theory]
    [InlineData(KnownFormats.Hls)]
    [InlineData(KnownFormats.FfConcat)]
    [InlineData(KnownFormats.Webm)]
    [InlineData(KnownFormats.MpegTs)]
    [InlineData(KnownFormats.Text)]
    [InlineData("")]
    public void FfmpegInput_OtherFormat_HasNoDemuxer(string format)
    {
        Assert.Null(FfmpegInput.For(format));
    }
}
