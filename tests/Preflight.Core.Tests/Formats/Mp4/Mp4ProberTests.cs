using Preflight.Core.Formats.Mp4;
using Preflight.Core.Formats.Mp4.IsoBmff;
using Preflight.Core.Probing;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Sniffing;
using static Preflight.Core.Tests.Formats.Mp4.Mp4BoxBuilder;

namespace Preflight.Core.Tests.Formats.Mp4;

public sealed class Mp4ProberTests(Mp4Files files) : IClassFixture<Mp4Files>
{
    private readonly Mp4Prober _prober = new();

    // ---- facts from real ffmpeg files ----

    [Fact]
    public void Probe_FaststartMp4_ReadsFactsWithoutFindings()
    {
        var result = _prober.Probe(files.Faststart);

        Assert.Empty(result.Findings);
        Assert.False(result.NeedsFfprobe);
        var media = result.Media;
        Assert.Equal(320, media.Width);
        Assert.Equal(240, media.Height);
        Assert.Equal(0, media.Rotation);
        Assert.Equal("h264", media.VideoCodec);
        Assert.Equal("aac", media.AudioCodec);
        Assert.Equal(25, media.FrameRate);
        Assert.Equal(44100, media.SampleRate);
        Assert.Equal(1, media.Channels);
        Assert.Equal(2.0, media.DurationSeconds!.Value, 1);
    }

    [Fact]
    public void Probe_MoovAfterMdat_WarnsNotFaststartWithFix()
    {
        var result = _prober.Probe(files.NotFaststart);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.VideoNotFaststart, finding.Code);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("-movflags +faststart", finding.Fix);
        Assert.Contains("'plain.mp4'", finding.Fix);
        Assert.False(result.HasErrors);
        Assert.Equal(320, result.Media.Width);
    }

    [Fact]
    public void Probe_ThirtyFps_ReportsFrameRate30()
    {
        var media = _prober.Probe(files.Fps30).Media;

        Assert.Equal(30, media.FrameRate);
        Assert.Null(media.AudioCodec);
        Assert.Equal(1.0, media.DurationSeconds!.Value, 2);
    }

    [Fact]
    public void Probe_RotatedVideo_SwapsDimensionsAndRecordsRotation()
    {
        var result = _prober.Probe(files.Rotated);

        Assert.Empty(result.Findings);
        Assert.Equal(240, result.Media.Width);
        Assert.Equal(320, result.Media.Height);
        // ffmpeg 5.1 writes rotate=90 as a matrix ffprobe reports as "rotation=90" counter-clockwise,
        // which is 270 in the clockwise degrees Preflight reports.
        Assert.Equal(270, result.Media.Rotation);
    }

    [Fact]
    public void Probe_AudioOnlyM4a_ReadsAudioFactsAndNoVideo()
    {
        var result = _prober.Probe(files.AudioOnly);

        Assert.Empty(result.Findings);
        var media = result.Media;
        Assert.Null(media.VideoCodec);
        Assert.Null(media.Width);
        Assert.Null(media.FrameRate);
        Assert.Equal("aac", media.AudioCodec);
        Assert.Equal(44100, media.SampleRate);
        Assert.Equal(2, media.Channels);
        Assert.InRange(media.DurationSeconds!.Value, 1.95, 2.1);
    }

    [Fact]
    public void Probe_QuickTimeMovWithPcm_ReadsNtscRateAndPcm()
    {
        var result = _prober.Probe(files.QuickTime);

        Assert.DoesNotContain(result.Findings, f => f.Severity == Severity.Error);
        var media = result.Media;
        Assert.Equal("h264", media.VideoCodec);
        Assert.Equal(29.97, media.FrameRate);
        Assert.Equal("pcm", media.AudioCodec);
        Assert.Equal(16, media.BitDepth);
        Assert.Equal(44100, media.SampleRate);
        Assert.Equal(1, media.Channels);
        Assert.Equal(1.001, media.DurationSeconds!.Value, 3);
    }

    [Fact]
    public void Probe_QuickTimeMovWithAac_FindsEsdsInsideWave()
    {
        var media = _prober.Probe(files.QuickTimeAac).Media;

        Assert.Equal("aac", media.AudioCodec);
        Assert.Equal(1, media.Channels);
    }

    [Fact]
    public void Probe_QuickTimeV1Pcm24_ReportsBitDepth24()
    {
        var media = _prober.Probe(files.QuickTime24Bit).Media;

        Assert.Equal("pcm", media.AudioCodec);
        Assert.Equal(24, media.BitDepth);
    }

    [Fact]
    public void Probe_Mp3InMp4_NamesMp3FromEsdsObjectType()
    {
        var media = _prober.Probe(files.Mp3Audio).Media;

        Assert.Equal("mp3", media.AudioCodec);
        Assert.Equal(160, media.Width);
    }

    [Fact]
    public void Probe_ThreeGp_ReadsFacts()
    {
        var result = _prober.Probe(files.ThreeGp);

        Assert.False(result.HasErrors);
        Assert.Equal(176, result.Media.Width);
        Assert.Equal(144, result.Media.Height);
        Assert.Equal(15, result.Media.FrameRate);
        Assert.Equal(8000, result.Media.SampleRate);
    }

    [Fact]
    public void Probe_FragmentedMp4_TotalsFragmentsForDurationAndFrameRate()
    {
        var result = _prober.Probe(files.Fragmented);

        Assert.Empty(result.Findings);
        Assert.False(result.NeedsFfprobe);
        Assert.Equal(320, result.Media.Width);
        Assert.Equal(25, result.Media.FrameRate);
        Assert.Equal(2.0, result.Media.DurationSeconds!.Value, 2);
    }

    [Fact]
    public void Probe_FragmentedWithFirstFragmentInMoov_CountsEveryFragmentInDuration()
    {
        // mvhd says 0.4 s here (the moov's own samples); trusting it let a long video pass a plan's length limit.
        var result = _prober.Probe(files.FragmentedFirstInMoov);

        Assert.Empty(result.Findings);
        Assert.Equal(2.0, result.Media.DurationSeconds!.Value, 2);
        Assert.Equal(25, result.Media.FrameRate);
    }

    // ---- truncation of real files ----

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void Probe_TruncatedFaststartMp4_IsCorrupt(double fraction)
    {
        var length = (long)(new FileInfo(files.Faststart).Length * fraction);
        var path = files.Truncated(files.Faststart, length, $"cut-{fraction}.mp4");

        var finding = AssertCorrupt(_prober.Probe(path));
        Assert.Contains("truncated", finding.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(100)]
    public void Probe_FaststartCutJustAfterMoov_IsCorrupt(int extraBytes)
    {
        var moovEnd = EndOfBox(files.Faststart, "moov");
        var path = files.Truncated(files.Faststart, moovEnd + extraBytes, $"after-moov-{extraBytes}.mp4");

        AssertCorrupt(_prober.Probe(path));
    }

    [Fact]
    public void Probe_NotFaststartCutBeforeMoov_IsCorruptNoMoov()
    {
        var length = new FileInfo(files.NotFaststart).Length;
        var path = files.Truncated(files.NotFaststart, length * 9 / 10, "lost-moov.mp4");

        var finding = AssertCorrupt(_prober.Probe(path));
        Assert.Contains("truncated", finding.Message);
    }

    [Fact]
    public void Probe_NotFaststartCutExactlyBeforeMoov_SaysNoMoov()
    {
        var moovStart = EndOfBox(files.NotFaststart, "mdat");
        var path = files.Truncated(files.NotFaststart, moovStart, "no-moov.mp4");

        var finding = AssertCorrupt(_prober.Probe(path));
        Assert.Contains("No 'moov' box", finding.Message);
    }

    [Fact]
    public void Probe_TruncatedFragmentedMp4_IsCorrupt()
    {
        var length = new FileInfo(files.Fragmented).Length;
        var path = files.Truncated(files.Fragmented, length * 7 / 10, "cut-fragmented.mp4");

        AssertCorrupt(_prober.Probe(path));
    }

    [Fact]
    public void Probe_FragmentedCutJustAfterLastMoof_IsCorrupt()
    {
        // Every box is whole, but the last fragment's media data ('mdat') is gone: the trun points past the end.
        var path = files.Truncated(files.Fragmented, EndOfLastBox(files.Fragmented, "moof"), "lost-last-mdat.mp4");

        var finding = AssertCorrupt(_prober.Probe(path));
        Assert.Contains("truncated", finding.Message);
    }

    [Fact]
    public void Probe_FragmentedMdatReplacedByFreeBox_IsCorrupt()
    {
        // Same length, so nothing runs past the end: the fragment's data simply lies in no 'mdat'.
        var bytes = System.IO.File.ReadAllBytes(files.Fragmented);
        var mdat = EndOfLastBox(files.Fragmented, "moof");
        "free"u8.CopyTo(bytes.AsSpan((int)mdat + 4));
        var path = files.Write("mdat-is-free.mp4", bytes);

        var finding = AssertCorrupt(_prober.Probe(path));
        Assert.Contains("outside every 'mdat'", finding.Message);
    }

    [Fact]
    public void Probe_FragmentedInitSegmentOnly_IsCorruptHeaderOnly()
    {
        var path = files.Truncated(files.Fragmented, EndOfBox(files.Fragmented, "moov"), "init-only.mp4");

        var finding = AssertCorrupt(_prober.Probe(path));
        Assert.Contains("only headers", finding.Message);
    }

    // ---- synthetic structure ----

    [Fact]
    public void Probe_SyntheticValidFile_Passes()
    {
        var result = Probe(File(new MovieSpec { Samples = 50 }));

        Assert.Empty(result.Findings);
        Assert.Equal(640, result.Media.Width);
        Assert.Equal(360, result.Media.Height);
        Assert.Equal(25, result.Media.FrameRate);
        Assert.Equal(2.0, result.Media.DurationSeconds);
    }

    [Fact]
    public void Probe_SyntheticMoovAfterMdat_WarnsOnly()
    {
        var result = Probe(File(new MovieSpec(), faststart: false));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.VideoNotFaststart, finding.Code);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void Probe_BoxSizePastEof_IsCorruptNamingTheBox()
    {
        byte[] bytes = [.. File(), .. Header(5_000_000, "free"), .. Zeros(100)];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("box 'free'", finding.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("declares 5,000,000 bytes but only 108 remain", finding.Message);
    }

    [Fact]
    public void Probe_BoxSizeBelowHeader_IsCorrupt()
    {
        byte[] bytes = [.. File(), .. Header(4, "free"), .. Zeros(8)];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("less than its own 8-byte header", finding.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Probe_GarbageAfterLastBox_IsCorrupt(int garbageBytes)
    {
        var garbage = Enumerable.Range(0, garbageBytes).Select(i => (byte)(i * 37 + 1)).ToArray();

        AssertCorrupt(Probe([.. File(), .. garbage]));
    }

    [Fact]
    public void Probe_LargeSizeMdat_IsRead()
    {
        var spec = new MovieSpec();
        var ftyp = Ftyp();
        var moovLength = Movie(spec, 0).Length;
        byte[] bytes = [.. ftyp, .. Movie(spec, (uint)(ftyp.Length + moovLength + 16)), .. LargeBox("mdat", Zeros(spec.Samples * spec.SampleSize))];

        Assert.Empty(Probe(bytes).Findings);
    }

    [Fact]
    public void Probe_SizeZeroMdatWithTooLittleData_IsCorruptSampleDataPastEof()
    {
        var spec = new MovieSpec { Samples = 50, SampleSize = 100 };
        var ftyp = Ftyp();
        var moovLength = Movie(spec, 0).Length;
        // An mdat whose size field is 0 ("to end of file") cannot be caught by box sizes: only the sample tables tell.
        byte[] bytes = [.. ftyp, .. Movie(spec, (uint)(ftyp.Length + moovLength + 8)), .. Header(0, "mdat"), .. Zeros(3000)];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("the file is truncated", finding.Message);
        Assert.Contains("Track 1 (video)", finding.Message);
    }

    [Fact]
    public void Probe_ChunkOutsideMdat_IsCorrupt()
    {
        var spec = new MovieSpec { Samples = 2, SampleSize = 4 };
        var ftyp = Ftyp();
        byte[] bytes = [.. ftyp, .. Movie(spec, 0), .. Box("mdat", Zeros(8))];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("outside every 'mdat'", finding.Message);
    }

    [Fact]
    public void Probe_SampleDataPastItsMdat_IsCorrupt()
    {
        var spec = new MovieSpec { Samples = 10, SampleSize = 10 };
        var ftyp = Ftyp();
        var moovLength = Movie(spec, 0).Length;
        byte[] bytes = [.. ftyp, .. Movie(spec, (uint)(ftyp.Length + moovLength + 8)), .. Box("mdat", Zeros(50)), .. Box("free", Zeros(60))];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("past the end of the 'mdat'", finding.Message);
    }

    [Fact]
    public void Probe_QuickTimeSoundCountingFramesNotBytes_IsNotMistakenForTruncation()
    {
        const int frames = 6400;
        var ftyp = Ftyp("qt  ");
        var moovLength = Ima4Movie(frames, 0).Length;
        byte[] bytes = [.. ftyp, .. Ima4Movie(frames, (uint)(ftyp.Length + moovLength + 8)), .. Box("mdat", Zeros(Ima4Bytes(frames)))];

        var result = Probe(bytes);

        Assert.Empty(result.Findings);
        Assert.Equal("ima4", result.Media.AudioCodec);
        Assert.Equal(8000, result.Media.SampleRate);
    }

    [Fact]
    public void Probe_QuickTimeSoundChunkPastEof_IsStillCorrupt()
    {
        var ftyp = Ftyp("qt  ");
        byte[] bytes = [.. ftyp, .. Ima4Movie(640, 5_000_000), .. Box("mdat", Zeros(340))];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("Track 1 (audio)", finding.Message);
    }

    [Fact]
    public void Probe_RandomDamage_NeverThrows()
    {
        var original = System.IO.File.ReadAllBytes(files.Faststart);
        var random = new Random(20240611);
        for (var i = 0; i < 200; i++)
        {
            var bytes = (byte[])original.Clone();
            // Damage the first 4 KB, where ftyp and moov live: that is where a parser can be led astray.
            for (var k = 0; k < 4; k++) bytes[random.Next(Math.Min(4096, bytes.Length))] = (byte)random.Next(256);
            if (i % 2 == 1) bytes = bytes[..random.Next(bytes.Length)];

            var result = Probe(bytes);

            Assert.NotNull(result.Media);
        }
    }

    [Fact]
    public void Probe_SttsAndStszDisagree_IsCorrupt()
    {
        var finding = AssertCorrupt(Probe(File(new MovieSpec { Samples = 50, TimedSamples = 49 })));

        Assert.Contains("'stsz' lists 50 samples but 'stts' times 49", finding.Message);
    }

    [Fact]
    public void Probe_MoovWithoutTracks_IsCorrupt()
    {
        byte[] bytes = [.. Ftyp(), .. Movie(new MovieSpec { WithTrack = false }, 0), .. Box("mdat", Zeros(16))];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("no tracks", finding.Message);
    }

    [Fact]
    public void Probe_HeaderOnlyNoMdat_IsCorrupt()
    {
        byte[] bytes = [.. Ftyp(), .. Movie(new MovieSpec(), 0)];

        var finding = AssertCorrupt(Probe(bytes));
        Assert.Contains("No 'mdat' box", finding.Message);
    }

    [Fact]
    public void Probe_FtypOnly_IsCorruptNoMoov()
    {
        var finding = AssertCorrupt(Probe(Ftyp()));

        Assert.Equal("No 'moov' box: the file is truncated or not finished.", finding.Message);
    }

    [Fact]
    public void Probe_ChildBoxOverrunsParent_IsCorrupt()
    {
        var moov = Box("moov", Header(500, "trak"), Zeros(8));

        var finding = AssertCorrupt(Probe([.. Ftyp(), .. moov, .. Box("mdat", Zeros(8))]));
        Assert.Contains("box 'trak'", finding.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("has only 16 left", finding.Message);
    }

    [Fact]
    public void Probe_MissingFile_IsUnreadableNotAThrow()
    {
        var result = _prober.Probe(Path.Combine(Path.GetTempPath(), "preflight-missing-" + Guid.NewGuid().ToString("N") + ".mp4"));

        Assert.Equal(FindingCodes.FileUnreadable, Assert.Single(result.Findings).Code);
    }

    private ProbeResult Probe(byte[] bytes) => _prober.Probe(files.Write(Guid.NewGuid().ToString("N") + ".mp4", bytes));

    private static Finding AssertCorrupt(ProbeResult result)
    {
        var finding = Assert.Single(result.Findings, f => f.Severity == Severity.Error);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        return finding;
    }

    /// <summary>End offset of the first top-level box of <paramref name="type"/> (32-bit sizes, as ffmpeg writes small files).</summary>
    private static long EndOfLastBox(string path, string type)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        long offset = 0, end = -1;
        while (offset + 8 <= bytes.Length)
        {
            var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset));
            if (System.Text.Encoding.Latin1.GetString(bytes, (int)offset + 4, 4) == type) end = offset + size;
            offset += size;
        }
        return end >= 0 ? end : throw new InvalidOperationException($"no '{type}' box in {path}");
    }

    private static long EndOfBox(string path, string type)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        long offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset));
            var boxType = System.Text.Encoding.Latin1.GetString(bytes, (int)offset + 4, 4);
            if (boxType == type) return offset + size;
            offset += size;
        }
        throw new InvalidOperationException($"no '{type}' box in {path}");
    }
}
