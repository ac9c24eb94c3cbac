using Preflight.Core.Formats.MpegTs;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Probing.Video;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Formats.MpegTs;

/// <summary>Transport streams generated once with the real ffmpeg for <see cref="MpegTsReaderTests"/>.</summary>
public sealed class MpegTsSamples : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _paths = [];

    public static TheoryData<string> Names { get; } = new(Arguments.Keys);

    /// <summary>Name → ffmpeg arguments (the output path is appended).</summary>
    private static Dictionary<string, string> Arguments => new()
    {
        // As bench/fix-speed.sh makes its transcode input.
        ["mpeg2-mp2-bench.ts"] = "-f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 3 -c:v mpeg2video -q:v 4 -c:a mp2 -shortest -f mpegts",
        ["mpeg2-720x576-25.ts"] = "-f lavfi -i testsrc=size=720x576:rate=25 -f lavfi -i sine=sample_rate=44100 -t 2 -c:v mpeg2video -c:a mp2 -ac 2 -shortest -f mpegts",
        ["mpeg2-2997.ts"] = "-f lavfi -i testsrc=size=640x480:rate=30000/1001 -f lavfi -i sine=sample_rate=48000 -t 2 -c:v mpeg2video -c:a mp2 -shortest -f mpegts",
        ["mpeg2-long-4mb.ts"] = "-f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=sample_rate=48000 -t 6 -c:v mpeg2video -b:v 6M -minrate 6M -maxrate 6M -bufsize 2M -c:a mp2 -shortest -f mpegts",
        ["mpeg2-1080i-2997.ts"] = "-f lavfi -i testsrc=size=1920x1080:rate=30000/1001 -f lavfi -i sine=sample_rate=48000 -t 0.6 -c:v mpeg2video -flags +ildct+ilme -c:a mp2 -shortest -f mpegts",
        ["mpeg1.ts"] = "-f lavfi -i testsrc=size=352x288:rate=25 -t 1 -c:v mpeg1video -f mpegts",
        ["h264-aac.ts"] = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 2 -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -shortest -f mpegts",
        ["h264-1080p-2997-crop.ts"] = "-f lavfi -i testsrc=size=1920x1080:rate=30000/1001 -f lavfi -i sine=sample_rate=44100 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -f mpegts",
        ["h264-854x480.ts"] = "-f lavfi -i testsrc=size=854x480:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -shortest -f mpegts",
        ["h264-high422-bframes.ts"] = "-f lavfi -i testsrc=size=426x240:rate=50 -t 1 -c:v libx264 -preset medium -pix_fmt yuv422p -f mpegts",
        // Interlaced (frame_mbs_only_flag 0): the height counts field macroblock pairs, cropped in 4-line units.
        ["h264-1080i-interlaced.ts"] = "-f lavfi -i testsrc=size=1920x1080:rate=25 -t 0.6 -c:v libx264 -preset ultrafast -flags +ildct+ilme -x264opts tff=1 -pix_fmt yuv420p -f mpegts",
        ["h264-mp3.ts"] = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=44100 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a libmp3lame -shortest -f mpegts",
        ["video-only.ts"] = "-f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -f mpegts",
        ["audio-only-mp2.ts"] = "-f lavfi -i sine=sample_rate=48000 -t 2 -c:a mp2 -f mpegts",
        ["audio-only-aac.ts"] = "-f lavfi -i sine=sample_rate=44100 -t 2 -c:a aac -f mpegts",
        // Starts 0.84 s before the 33-bit PTS wraps, ends 2.2 s after it.
        ["h264-aac-pts-wrap.ts"] = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 3 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -output_ts_offset 95441.5 -f mpegts",
        ["m2ts-192.m2ts"] = "-f lavfi -i testsrc=size=640x360:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -f mpegts -mpegts_m2ts_mode 1",
    };

    /// <summary>Streams the reader must refuse (ffprobe answers them): name → ffmpeg arguments.</summary>
    private static Dictionary<string, string> Refused => new()
    {
        // ffmpeg's M2TS mode declares AAC as private data (stream type 0x06): only ffprobe's content probe names it.
        ["m2ts-aac-private.m2ts"] = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -f mpegts -mpegts_m2ts_mode 1",
        ["hevc.ts"] = "-f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v libx265 -preset ultrafast -x265-params log-level=none -f mpegts",
        // 23.976 fps steps by 3753.75 ticks: the timestamps do not step by ffmpeg's packet duration.
        ["mpeg2-23976.ts"] = "-f lavfi -i testsrc=size=320x240:rate=24000/1001 -t 1 -c:v mpeg2video -f mpegts",
    };

    public static TheoryData<string> RefusedNames { get; } = new(Refused.Keys);

    public MpegTsSamples()
    {
        Parallel.ForEach(Arguments.Concat(Refused), new ParallelOptions { MaxDegreeOfParallelism = 2 }, entry =>
        {
            var output = _dir.File(entry.Key);
            var (exitCode, _, stderr) = MediaToolsSamples.Run(MediaToolsSamples.FfmpegPath,
                $"-nostdin -v error -y {entry.Value} {output}".Split(' '));
            if (exitCode != 0 || !File.Exists(output))
                throw new InvalidOperationException($"ffmpeg could not generate {entry.Key}: {stderr}");
        });
        foreach (var name in Arguments.Keys.Concat(Refused.Keys)) _paths[name] = _dir.File(name);
    }

    public string this[string name] => _paths[name];

    public string Folder => _dir.Path;

    public void Dispose() => _dir.Dispose();
}

public sealed class MpegTsReaderTests(MpegTsSamples samples) : IClassFixture<MpegTsSamples>
{
    /// <summary>
    /// How far the reader's duration may lie from ffprobe's normalised one (rounded to 1 ms). The reader repeats
    /// libavformat's arithmetic (earliest PTS at the head, last PTS + one packet's duration in the last 250 000 bytes,
    /// microsecond rounding), so on every sample here the two are equal; 1 ms is the most a fix could ever see differ.
    /// </summary>
    public const double DurationTolerance = 0.001;

    private static readonly MediaTools Tools = new(new MediaToolsOptions());

    [Theory]
    [MemberData(nameof(MpegTsSamples.Names), MemberType = typeof(MpegTsSamples))]
    public async Task Read_FfmpegMadeStream_SameFactsAsFfprobe(string name)
    {
        var path = samples[name];
        var probe = await Tools.ProbeForConversionAsync(path, KnownFormats.MpegTs, CancellationToken.None);
        Assert.Empty(probe.Findings);
        var expected = probe.Media;

        var facts = MpegTsReader.Read(path);

        Assert.NotNull(facts);
        Assert.Equal(
            (expected.VideoCodec, expected.AudioCodec, expected.Width, expected.Height, expected.FrameRate, expected.SampleRate, expected.Channels),
            (facts.VideoCodec, facts.AudioCodec, facts.Width, facts.Height, facts.FrameRate, facts.SampleRate, facts.Channels));
        Assert.NotNull(expected.DurationSeconds);
        Assert.InRange(facts.DurationSeconds!.Value, expected.DurationSeconds.Value - DurationTolerance, expected.DurationSeconds.Value + DurationTolerance);
        Assert.Equal(expected with { DurationSeconds = facts.DurationSeconds }, facts);
    }

    [Theory]
    [MemberData(nameof(MpegTsSamples.RefusedNames), MemberType = typeof(MpegTsSamples))]
    public async Task Read_StreamItCannotAnswerExactly_NullWhileFfprobeReadsIt(string name)
    {
        var path = samples[name];
        var probe = await Tools.ProbeForConversionAsync(path, KnownFormats.MpegTs, CancellationToken.None);

        Assert.Empty(probe.Findings);
        Assert.NotNull(probe.Media.VideoCodec);
        Assert.Null(MpegTsReader.Read(path));
    }
}
