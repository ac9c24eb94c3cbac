using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>The hostile inputs from SECURITY.md, against the real ffprobe/ffmpeg.</summary>
public sealed class MediaToolsHostileTests(MediaToolsSamples samples) : IClassFixture<MediaToolsSamples>, IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task ProbeAsync_HlsPlaylistNamedMp4_IsCorruptAndReadsNoSegment()
    {
        File.Copy(samples.Segment, _dir.File("seg.ts"));
        var playlist = _dir.Write("x.mp4", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg.ts\n#EXT-X-ENDLIST\n"u8.ToArray());
        // Control: plain ffprobe really follows the playlist and reports the segment's stream.
        var (plainExit, plainOut, _) = MediaToolsSamples.Run("/usr/bin/ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", playlist]);
        Assert.Equal(0, plainExit);
        Assert.Contains("h264", plainOut);
        var tools = new MediaTools(new MediaToolsOptions());

        var result = await tools.ProbeAsync(playlist, KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(result.Findings).Code);
        Assert.Null(result.Media.VideoCodec);
        Assert.Null(result.Media.Width);
    }

    [Fact]
    public async Task ProbeAsync_HlsPlaylistWithAbsoluteSegmentPath_IsCorrupt()
    {
        // An absolute segment path is not defeated by the private folder: only the forced demuxer stops it.
        var segment = _dir.File("abs-seg.ts");
        File.Copy(samples.Segment, segment);
        var playlist = _dir.Write("abs.mp4", System.Text.Encoding.UTF8.GetBytes(
            $"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{segment}\n#EXT-X-ENDLIST\n"));
        var (plainExit, plainOut, _) = MediaToolsSamples.Run("/usr/bin/ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", playlist]);
        Assert.Equal(0, plainExit);
        Assert.Contains("h264", plainOut);
        var tools = new MediaTools(new MediaToolsOptions());

        var probe = await tools.ProbeAsync(playlist, KnownFormats.Mp4, CancellationToken.None);
        var decode = await tools.DecodeAsync(playlist, KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(probe.Findings).Code);
        Assert.Null(probe.Media.VideoCodec);
        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(decode).Code);
    }

    [Fact]
    public async Task DecodeAsync_HlsPlaylistNamedMp4_IsCorrupt()
    {
        File.Copy(samples.Segment, _dir.File("seg.ts"));
        var playlist = _dir.Write("x.mp4", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg.ts\n#EXT-X-ENDLIST\n"u8.ToArray());
        var tools = new MediaTools(new MediaToolsOptions());

        var findings = await tools.DecodeAsync(playlist, KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(findings).Code);
    }

    [Fact(Timeout = 120_000)]
    public async Task ProbeAsync_SelfReferencingPlaylist_ReturnsAFindingAndLeavesNoProcess()
    {
        var playlist = _dir.Write("loop.mp4", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nloop.mp4\n"u8.ToArray());
        var tools = new MediaTools(new MediaToolsOptions { ProbeTimeout = TimeSpan.FromSeconds(5) });

        var result = await tools.ProbeAsync(playlist, KnownFormats.Mp4, CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains(finding.Code, new[] { FindingCodes.FileCorrupt, FindingCodes.ProbeTimeout });
        Assert.Empty(MediaToolsSamples.OrphanedToolProcesses());
    }

    [Fact]
    public async Task ProbeAsync_FfconcatNamingNeighbour_IsCorrupt()
    {
        File.Copy(samples.Mp4, _dir.File("neighbour.mp4"));
        var script = _dir.Write("list.mp4", "ffconcat version 1.0\nfile neighbour.mp4\n"u8.ToArray());
        // Control: plain ffprobe reads the neighbour through the concat script.
        var (plainExit, plainOut, _) = MediaToolsSamples.Run("/usr/bin/ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", script]);
        Assert.Equal(0, plainExit);
        Assert.Contains("h264", plainOut);
        var tools = new MediaTools(new MediaToolsOptions());

        var result = await tools.ProbeAsync(script, KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(result.Findings).Code);
        Assert.Null(result.Media.VideoCodec);
    }

    [Theory]
    [InlineData(KnownFormats.Hls)]
    [InlineData(KnownFormats.FfConcat)]
    [InlineData(KnownFormats.Mkv)]
    [InlineData(KnownFormats.Unknown)]
    public async Task ProbeAndDecode_FormatWithoutForcedDemuxer_RefusedWithoutRunningTheTool(string format)
    {
        var tools = MediaToolsSamples.MarkingTools(_dir, out var marker);
        var file = _dir.Write("input.mp4", "#EXTM3U\n"u8.ToArray());

        var probe = await tools.ProbeAsync(file, format, CancellationToken.None);
        var decode = await tools.DecodeAsync(file, format, CancellationToken.None);

        Assert.Equal(FindingCodes.ProbeFailed, Assert.Single(probe.Findings).Code);
        Assert.Equal(FindingCodes.ProbeFailed, Assert.Single(decode).Code);
        Assert.False(File.Exists(marker), "the tool must not be started for a refused format");
    }

    [Fact(Timeout = 120_000)]
    public async Task ProbeAsync_ToolHangs_TimesOutAndKillsIt()
    {
        var marker = Random.Shared.Next(100_000, 900_000).ToString();
        var fake = MediaToolsSamples.FakeTools(_dir, $"exec sleep {marker}");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake, ProbeTimeout = TimeSpan.FromSeconds(1) });

        var result = await tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.ProbeTimeout, finding.Code);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("ffprobe did not finish within 1 s", finding.Message);
        Assert.Empty(MediaToolsSamples.ProcessesWithCommandLine("sleep " + marker));
    }

    [Fact(Timeout = 120_000)]
    public async Task DecodeAsync_ToolHangs_TimesOutAndKillsIt()
    {
        var marker = Random.Shared.Next(100_000, 900_000).ToString();
        var fake = MediaToolsSamples.FakeTools(_dir, $"exec sleep {marker}");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake, DecodeTimeout = TimeSpan.FromSeconds(1) });

        var findings = await tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.ProbeTimeout, Assert.Single(findings).Code);
        Assert.Empty(MediaToolsSamples.ProcessesWithCommandLine("sleep " + marker));
    }

    [Fact(Timeout = 120_000)]
    public async Task ProbeAsync_ToolSpawnsChildAndHangs_ChildIsKilledToo()
    {
        var marker = Random.Shared.Next(100_000, 900_000).ToString();
        // A tool that forks: the child keeps the private folder as its working directory.
        var fake = MediaToolsSamples.FakeTools(_dir, $"sleep {marker} & wait");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake, ProbeTimeout = TimeSpan.FromSeconds(1) });

        var result = await tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.ProbeTimeout, Assert.Single(result.Findings).Code);
        Assert.Empty(MediaToolsSamples.ProcessesWithCommandLine("sleep " + marker));
    }

    [Fact]
    public async Task ProbeAsync_ToolInvocation_IsForcedCappedAndPrivate()
    {
        // The fake prints what it was given: arguments, address-space limit (KiB) and working directory.
        var fake = MediaToolsSamples.FakeTools(_dir, "echo \"args: $* limit: $(ulimit -v) cwd: $PWD\" >&2; exit 1");
        var file = _dir.Write("clip.mp4", File.ReadAllBytes(samples.Mp4));
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake, MemoryLimitBytes = 512L * 1024 * 1024 });

        var result = await tools.ProbeAsync(file, KnownFormats.Mp4, CancellationToken.None);

        var message = Assert.Single(result.Findings).Message;
        Assert.Contains("-f mov -format_whitelist mov,mp4,m4a,3gp,3g2,mj2 -protocol_whitelist file", message);
        Assert.Contains("limit: 524288 ", message);
        Assert.DoesNotContain(_dir.Path, message); // the tool saw a private link, not the caller's path
        var cwd = message[(message.IndexOf("cwd: ", StringComparison.Ordinal) + 5)..].Trim();
        Assert.Contains("preflight-probe-", cwd);
        Assert.False(Directory.Exists(cwd), "the private folder is deleted after the run");
    }

    [Fact]
    public async Task DecodeAsync_ToolInvocation_IsForcedCappedAndPrivate()
    {
        var fake = MediaToolsSamples.FakeTools(_dir, "echo \"args: $* limit: $(ulimit -v) cwd: $PWD\" >&2; exit 1");
        var file = _dir.Write("tone.wav", File.ReadAllBytes(samples.Wav));
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake, MemoryLimitBytes = 256L * 1024 * 1024 });

        var findings = await tools.DecodeAsync(file, KnownFormats.Wav, CancellationToken.None);

        var message = Assert.Single(findings).Message;
        // -threads 1 since issue 10 (defect 3): frame-threaded decoding reported damage depending on timing.
        Assert.Contains("-nostdin -v error -xerror -f wav -format_whitelist wav -protocol_whitelist file -threads 1 -i", message);
        Assert.Contains("-f null -", message);
        Assert.Contains("limit: 262144 ", message);
        Assert.DoesNotContain(_dir.Path, message);
        Assert.Contains("preflight-probe-", message);
    }

    public void Dispose() => _dir.Dispose();
}
