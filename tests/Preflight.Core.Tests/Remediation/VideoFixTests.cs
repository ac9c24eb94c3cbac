using Preflight.Core.Remediation;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Remediation;

public sealed class VideoFixTests(FixHarness h) : IClassFixture<FixHarness>
{
    /// <summary>ffmpeg arguments for 1 s of H.264/AAC at 320x240 (the muxer follows).</summary>
    internal const string H264Aac = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest";

    [Theory]
    [InlineData("phone.mov", "-f mov")]
    [InlineData("clip.mkv", "-f matroska")]
    [InlineData("clip.m4v", "-f mp4")]
    public async Task Fix_H264AacInOtherContainer_RemuxedWithoutReencodeAndPasses(string name, string muxer)
    {
        var input = h.Generate(name, $"{H264Aac} {muxer}");

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
        Assert.Equal("h264", fix.After.Media!.VideoCodec);
        Assert.Equal("aac", fix.After.Media.AudioCodec);
        Assert.DoesNotContain(fix.Operations, o => o.Op is FixOps.Transcode or FixOps.Scale or FixOps.Bitrate);
        Assert.Contains(fix.Operations, o => o.Op is FixOps.Remux or FixOps.Rename);
        Assert.Equal(".mp4", Path.GetExtension(output));
    }

    [Fact]
    public async Task Fix_Mp4WithMoovAtEndUnderWrongName_RewrittenWithFaststartAndRightExtension()
    {
        var input = h.Generate("late-moov.mov", $"{H264Aac} -f mp4");
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal([FixOps.Rename, FixOps.Faststart], fix.Operations.Select(o => o.Op));
        Assert.DoesNotContain(fix.After!.Findings, f => f.Code == FindingCodes.VideoNotFaststart);
        Assert.Equal(".mp4", Path.GetExtension(output));
        Assert.Equal((double)new FileInfo(input).Length, new FileInfo(output!).Length, 0.02 * new FileInfo(input).Length);
    }

    [Fact]
    public async Task Fix_Mp4WithOnlyAMoovWarning_NotNeeded()
    {
        var input = h.Generate("late-but-ok.mp4", H264Aac);
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.NotNeeded, fix.Status);
        Assert.Null(output);
    }

    [Theory]
    [InlineData("vp9.webm", "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a libopus -shortest -f webm", "vp9")]
    [InlineData("hevc.mkv", "-f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v libx265 -preset ultrafast -x265-params log-level=none -f matroska", "hevc")]
    [InlineData("mpeg2.ts", "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v mpeg2video -c:a mp2 -shortest -f mpegts", "mpeg2video")]
    public async Task Fix_CodecMp4CannotTake_TranscodedToH264Aac(string name, string arguments, string codec)
    {
        var input = h.Generate(name, arguments);
        var (fix, _) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        var transcode = Assert.Single(fix.Operations, o => o.Op == FixOps.Transcode);
        Assert.Contains(codec, transcode.Detail);
        Assert.Equal("h264", fix.After!.Media!.VideoCodec);
        Assert.Equal(Verdict.Pass, fix.After.Verdict);
    }

    [Fact]
    public async Task Fix_LargerThan2K_ScaledUnder2048KeepingAspectWithEvenSides()
    {
        var input = h.Generate("big.mp4", "-f lavfi -i testsrc=size=2560x1440:rate=25 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -movflags +faststart");
        var (fix, _) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Contains(fix.Operations, o => o.Op == FixOps.Scale);
        var media = fix.After!.Media!;
        Assert.Equal(2046, media.Width);
        Assert.Equal(1150, media.Height);
    }

    [Fact]
    public async Task Fix_RotatedPortraitTooLarge_ScaledInDisplayOrientation()
    {
        var stored = h.Generate("stored.mp4", "-f lavfi -i testsrc=size=2400x1080:rate=25 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        var input = h.Generate("portrait.mp4", $"-i {stored} -c copy -metadata:s:v:0 rotate=90 -movflags +faststart");
        var (fix, _) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        var media = fix.After!.Media!;
        Assert.True(media.Height > media.Width, $"display stays portrait, got {media.Width}x{media.Height}");
        Assert.True(media.Height < 2048 && media.Width % 2 == 0 && media.Height % 2 == 0);
    }

    [Fact]
    public async Task Fix_AbovePlanResolution_ScaledToThePlan()
    {
        var input = h.Generate("fullhd.mp4", "-f lavfi -i testsrc=size=1920x1080:rate=25 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -movflags +faststart");
        var (fix, _) = await h.FixAndKeepAsync(input, new FixOptions { Plan = "free" });

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal((1280, 720), (fix.After!.Media!.Width, fix.After.Media.Height));
    }

    [Fact]
    public async Task Fix_OverTheSizeLimit_ReencodedUnderItAndVerified()
    {
        var input = h.Generate("noisy.mp4", "-f lavfi -i testsrc2=size=320x240:rate=25 -t 4 -c:v libx264 -preset ultrafast -crf 0 -pix_fmt yuv420p -movflags +faststart");
        var limit = new FileInfo(input).Length / 4;
        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Profile = FixHarness.WithMaxBytes("video", limit) });

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Contains(fix.Operations, o => o.Op == FixOps.Bitrate);
        Assert.True(new FileInfo(output!).Length <= limit);
        Assert.Equal(fix.After!.SizeBytes, new FileInfo(output!).Length);
    }

    [Fact]
    public async Task Fix_LongerThanThePlan_NeedsTrimThenCutsExactly()
    {
        var input = h.Generate("long.mp4", "-f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine=sample_rate=48000 -t 181 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -movflags +faststart");
        var options = new FixOptions { Plan = "free" };

        var (without, none) = await h.FixAndKeepAsync(input, options);
        Assert.Equal(FixStatus.NeedsOption, without.Status);
        Assert.Contains("--trim", without.Reason);
        Assert.Equal(FixOps.Trim, without.Needs);
        Assert.Null(none);

        var (fix, _) = await h.FixAndKeepAsync(input, options with { Trim = true });
        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Contains(fix.Operations, o => o.Op == FixOps.Trim);
        Assert.InRange(fix.After!.Media!.DurationSeconds!.Value, 179.5, 180.0);
    }

    [Fact]
    public async Task Fix_TruncatedMp4_NeedsSalvageThenReportsWhatWasLost()
    {
        var whole = h.Generate("whole.mp4", "-f lavfi -i testsrc=size=320x240:rate=25 -t 6 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 25 -movflags +faststart");
        var bytes = File.ReadAllBytes(whole);
        var input = h.Write("truncated.mp4", bytes[..(bytes.Length / 2)]);

        var (without, _) = await h.FixAndKeepAsync(input);
        Assert.Equal(FixStatus.NeedsOption, without.Status);
        Assert.Contains("--salvage", without.Reason);
        Assert.Equal(FixOps.Salvage, without.Needs);

        var (fix, _) = await h.FixAndKeepAsync(input, new FixOptions { Salvage = true });
        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(FixOps.Salvage, fix.Operations[0].Op);
        Assert.NotNull(fix.Lost);
        Assert.InRange(fix.Lost!.Seconds!.Value, 1.0, 5.5);
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
    }

    [Fact]
    public async Task Fix_Mp4WithoutMoov_NotFixableEvenWithSalvage()
    {
        var whole = h.Generate("moov-last.mp4", "-f lavfi -i testsrc=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        var bytes = File.ReadAllBytes(whole);
        var input = h.Write("no-moov.mp4", bytes[..(bytes.Length / 2)]);

        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Salvage = true });
        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.False(string.IsNullOrWhiteSpace(fix.Reason));
        Assert.Null(output);
    }

    [Fact]
    public async Task Fix_FixedOutputAgain_NotNeeded()
    {
        var input = h.Generate("again.mov", $"{H264Aac} -f mov");
        var (first, output) = await h.FixAndKeepAsync(input);
        Assert.Equal(FixStatus.Fixed, first.Status);

        var (second, copy) = await h.FixAndKeepAsync(output!);
        Assert.Equal(FixStatus.NotNeeded, second.Status);
        Assert.Empty(second.Operations);
        Assert.Null(copy);
    }

    [Fact]
    public async Task Fix_AudioOnlyMp4InVideoSlot_NotFixable()
    {
        var input = h.Generate("voice.mp4", "-f lavfi -i sine=sample_rate=48000 -t 1 -c:a aac -f mp4");
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains("video stream", fix.Reason);
        Assert.Null(output);
    }
}
