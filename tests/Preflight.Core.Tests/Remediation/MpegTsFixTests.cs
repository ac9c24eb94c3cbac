using Preflight.Core.Formats.MpegTs;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Probing.Video;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Remediation;

/// <summary>
/// A fix of an MPEG-TS plans from the in-process reader when it can answer (no ffprobe start), from ffprobe when it
/// cannot. Every tool is a shim in <see cref="MediaToolsOptions.BinaryFolder"/> that records its call, then runs the real one.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MpegTsFixTests(FixHarness h) : IClassFixture<FixHarness>, IDisposable
{
    // As bench/fix-speed.sh makes its "transcode" input, shorter.
    private const string BenchLike = "-f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 -c:v mpeg2video -q:v 4 -c:a mp2 -shortest -f mpegts";

    private readonly TempDir _dir = new();

    private string Calls => _dir.File("calls.log");

    private IReadOnlyList<string> Recorded => File.Exists(Calls) ? File.ReadAllLines(Calls) : [];

    [Fact]
    public async Task Fix_BenchLikeMpeg2Mp2Ts_NoFfprobeAndThePlanFfprobesFactsGive()
    {
        var input = h.Generate("bench-like.ts", BenchLike);
        var remediator = ShimmedRemediator(out var inspector);
        var options = new FixOptions();

        using var outcome = await remediator.FixAsync(new InspectionRequest(input, "bench-like.ts"), options, CancellationToken.None);

        var fix = outcome.Report.Fix!;
        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
        Assert.Equal("h264", fix.After.Media!.VideoCodec);
        Assert.DoesNotContain(Recorded, c => c.StartsWith("ffprobe ", StringComparison.Ordinal));
        Assert.Single(Recorded, c => c.StartsWith("ffmpeg ", StringComparison.Ordinal) && c.Contains("-f mpegts", StringComparison.Ordinal));

        // The plan made from ffprobe's facts (as before the reader) is the one the fix carried out.
        var report = await inspector.InspectAsync(new InspectionRequest(input, "bench-like.ts"),
            new InspectionOptions { Profile = options.Profile, Plan = options.Plan, Deep = options.Deep }, CancellationToken.None);
        var probe = await h.Tools.ProbeForConversionAsync(input, KnownFormats.MpegTs, CancellationToken.None);
        var fromFfprobe = Assert.IsType<FfmpegFix>(FixPlanner.Plan(new FixInput(report, probe.Media, null, false), options));
        var fromReader = Assert.IsType<FfmpegFix>(FixPlanner.Plan(new FixInput(report, MpegTsReader.Read(input)!, null, false), options));
        Assert.Equal(fromFfprobe.Operations, fromReader.Operations);
        Assert.Equal(fromFfprobe with { Operations = [] }, fromReader with { Operations = [] });
        Assert.Equal(fromFfprobe.Operations, fix.Operations);
        Assert.Equal([FixOps.Remux, FixOps.Transcode], fix.Operations.Select(o => o.Op));
    }

    [Fact]
    public async Task Fix_TsTheReaderRefuses_FfprobeStillRunsOnce()
    {
        // ffmpeg's M2TS mode declares the AAC track as private data (stream type 0x06): the reader does not guess it.
        var input = h.Generate("private-audio.m2ts", "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v mpeg2video -c:a aac -shortest -f mpegts -mpegts_m2ts_mode 1");
        Assert.Null(MpegTsReader.Read(input));
        var remediator = ShimmedRemediator(out _);

        using var outcome = await remediator.FixAsync(new InspectionRequest(input, "private-audio.m2ts"), new FixOptions(), CancellationToken.None);

        var fix = outcome.Report.Fix!;
        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
        Assert.Contains(fix.Operations, o => o.Op == FixOps.Transcode && o.Detail.Contains("mpeg2video", StringComparison.Ordinal));
        Assert.Single(Recorded, c => c.StartsWith("ffprobe ", StringComparison.Ordinal) && c.Contains("-f mpegts", StringComparison.Ordinal));
    }

    private Remediator ShimmedRemediator(out Inspector inspector)
    {
        var folder = ToolShims.Create(_dir.File("shim-bin"), Calls, ToolShims.RealTool);
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = folder });
        inspector = new Inspector(tools);
        return new Remediator(inspector.InspectAsync, tools);
    }

    public void Dispose() => _dir.Dispose();
}
