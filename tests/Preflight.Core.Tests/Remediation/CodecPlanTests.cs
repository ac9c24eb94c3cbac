using Preflight.Core.Inspection;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Tests.Probing.Video;

namespace Preflight.Core.Tests.Remediation;

/// <summary>
/// Which streams a video fix copies and which it transcodes: the profile's codec list decides as much as the container
/// (issue 15: "transcode only when the codec must change"), and a copy really is a copy.
/// </summary>
public sealed class CodecPlanTests(FixHarness h) : IClassFixture<FixHarness>
{
    private const string Hevc = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v libx265 -preset ultrafast -x265-params log-level=none -tag:v hvc1 -c:a aac -shortest";

    /// <summary>HeyGen's rules with a codec list for video, as Tavus (H.264 only) and LTX (H.264, HEVC) have.</summary>
    private static Profile WithVideoCodecs(params string[] codecs) =>
        FixHarness.WithKind("video", limits => limits with { VideoCodecs = new Limit<IReadOnlyList<string>>(codecs, "test") });

    [Fact]
    public async Task Fix_HevcMp4UnderAProfileThatNamesH264Only_TranscodedAndPasses()
    {
        var input = h.Generate("hevc.mp4", $"{Hevc} -movflags +faststart -f mp4");
        var options = new FixOptions { Profile = WithVideoCodecs("h264") };

        var (fix, output) = await h.FixAndKeepAsync(input, options);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        var transcode = Assert.Single(fix.Operations, o => o.Op == FixOps.Transcode);
        Assert.Contains("hevc → h264", transcode.Detail);
        Assert.DoesNotContain(fix.Operations, o => o.Op == FixOps.Remux);
        Assert.Equal("h264", fix.After!.Media!.VideoCodec);
        Assert.Equal("aac", fix.After.Media.AudioCodec);
        Assert.Equal(Verdict.Pass, fix.After.Verdict);
        Assert.Equal(".mp4", Path.GetExtension(output));
    }

    [Fact]
    public async Task Fix_HevcMov_CopiedWhenTheProfileTakesAnyCodecOrHevc_TranscodedWhenItNamesH264Only()
    {
        var input = h.Generate("hevc.mov", $"{Hevc} -f mov");

        var (any, anyOutput) = await h.FixAndKeepAsync(input);
        var (listed, listedOutput) = await h.FixAndKeepAsync(input, new FixOptions { Profile = WithVideoCodecs("h264", "hevc") });
        var (h264Only, _) = await h.FixAndKeepAsync(input, new FixOptions { Profile = WithVideoCodecs("h264") });

        foreach (var (fix, output) in new[] { (any, anyOutput), (listed, listedOutput) })
        {
            Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
            // ffmpeg's MOV muxer writes 'moov' last, so the copy also gets +faststart (a copy as well).
            Assert.Equal([FixOps.Remux, FixOps.Faststart], fix.Operations.Select(o => o.Op));
            Assert.All(fix.Operations, o => Assert.Contains("streams copied", o.Detail));
            Assert.Equal("hevc", fix.After!.Media!.VideoCodec);
            Assert.Equal(PacketHashes(input), PacketHashes(output!));
        }
        Assert.True(h264Only.Status == FixStatus.Fixed, h264Only.Reason);
        Assert.Contains(h264Only.Operations, o => o.Op == FixOps.Transcode && o.Detail.Contains("hevc → h264", StringComparison.Ordinal));
        Assert.Equal("h264", h264Only.After!.Media!.VideoCodec);
    }

    [Fact]
    public async Task Fix_ProResMov_TranscodedBecauseMp4CannotCarryIt()
    {
        // MOV holds ProRes; MP4 has no sample entry for it, so a stream copy is refused by ffmpeg itself.
        var input = h.Generate("master.mov", "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v prores_ks -profile:v 0 -c:a pcm_s16le -shortest -f mov");

        var (fix, _) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        var transcode = Assert.Single(fix.Operations, o => o.Op == FixOps.Transcode);
        Assert.Contains("prores → h264", transcode.Detail);
        Assert.Contains("pcm → aac", transcode.Detail);
        Assert.Equal(("h264", "aac"), (fix.After!.Media!.VideoCodec, fix.After.Media.AudioCodec));
        Assert.Equal(Verdict.Pass, fix.After.Verdict);
    }

    [Fact]
    public async Task Fix_H264AacMov_StreamsCopiedPacketForPacket()
    {
        var input = h.Generate("phone.mov", $"{VideoFixTests.H264Aac} -f mov");

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.DoesNotContain(fix.Operations, o => o.Op == FixOps.Transcode);
        // A copy keeps every packet's bytes; any re-encode (even at the same settings) changes them.
        Assert.Equal(PacketHashes(input, "0:v"), PacketHashes(output!, "0:v"));
        Assert.Equal(PacketHashes(input, "0:a"), PacketHashes(output!, "0:a"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fix_Output_ReinspectedAtTheDepthAsked(bool deep)
    {
        var input = h.Generate("depth.mov", $"{VideoFixTests.H264Aac} -f mov");
        var calls = new List<(string Path, bool Deep)>();
        var remediator = new Remediator((request, options, ct) =>
        {
            lock (calls) calls.Add((request.FilePath, options.Deep));
            return h.Inspector.InspectAsync(request, options, ct);
        }, h.Tools);

        using var outcome = await remediator.FixAsync(new InspectionRequest(input, "depth.mov"), new FixOptions { Deep = deep }, CancellationToken.None);

        Assert.Equal(FixStatus.Fixed, outcome.Report.Fix!.Status);
        Assert.Equal(2, calls.Count);
        Assert.Equal((input, deep), calls[0]);
        Assert.Equal(outcome.OutputPath, calls[1].Path);
        Assert.Equal(deep, calls[1].Deep);
    }

    /// <summary>Size and MD5 of every packet of <paramref name="map"/>'s streams, timestamps left out (a remux may rebase them).</summary>
    private static List<string> PacketHashes(string path, string map = "0:v")
    {
        var (exitCode, stdout, stderr) = MediaToolsSamples.Run(MediaToolsSamples.FfmpegPath,
            ["-nostdin", "-v", "error", "-i", path, "-map", map, "-c", "copy", "-f", "framemd5", "-"]);
        Assert.True(exitCode == 0, stderr);
        var packets = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(',', StringSplitOptions.TrimEntries))
            .Select(fields => $"{fields[^2]} {fields[^1]}")
            .ToList();
        Assert.NotEmpty(packets);
        return packets;
    }
}
