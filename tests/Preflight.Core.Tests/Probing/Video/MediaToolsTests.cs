using Preflight.Core.Probing;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>MediaTools against the real ffprobe/ffmpeg on ordinary and damaged files.</summary>
public sealed class MediaToolsTests(MediaToolsSamples samples) : IClassFixture<MediaToolsSamples>, IDisposable
{
    private readonly MediaTools _tools = new(new MediaToolsOptions());
    private readonly TempDir _dir = new();

    [Fact]
    public void CheckAvailability_RealTools_ReportsBothAvailable()
    {
        var status = _tools.CheckAvailability();

        Assert.True(status.FfprobeAvailable, status.Problem);
        Assert.True(status.FfmpegAvailable, status.Problem);
        Assert.False(string.IsNullOrWhiteSpace(status.FfprobeVersion));
        Assert.Null(status.Problem);
    }

    [Fact]
    public async Task ProbeAsync_NormalMp4_ReportsFacts()
    {
        var result = await _tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);

        Assert.Empty(result.Findings);
        var media = result.Media;
        Assert.Equal(320, media.Width);
        Assert.Equal(240, media.Height);
        Assert.Equal("h264", media.VideoCodec);
        Assert.Equal("aac", media.AudioCodec);
        Assert.Equal(25, media.FrameRate);
        Assert.Equal(48000, media.SampleRate);
        Assert.Equal(1, media.Channels);
        Assert.InRange(media.DurationSeconds!.Value, 1.9, 2.2);
        Assert.Equal(0, media.Rotation);
        Assert.Null(media.BitDepth);
    }

    [Fact]
    public async Task ProbeAsync_Wav_ReportsAudioFactsWithBitDepth()
    {
        var result = await _tools.ProbeAsync(samples.Wav, KnownFormats.Wav, CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Equal("pcm_s16le", result.Media.AudioCodec);
        Assert.Null(result.Media.VideoCodec);
        Assert.Null(result.Media.Width);
        Assert.Equal(44100, result.Media.SampleRate);
        Assert.Equal(1, result.Media.Channels);
        Assert.Equal(16, result.Media.BitDepth);
        Assert.Equal(2.0, result.Media.DurationSeconds!.Value, 2);
    }

    [Fact]
    public async Task ProbeAsync_Mp3_ReportsAudioFactsWithoutBitDepth()
    {
        var result = await _tools.ProbeAsync(samples.Mp3, KnownFormats.Mp3, CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Equal("mp3", result.Media.AudioCodec);
        Assert.Equal(44100, result.Media.SampleRate);
        Assert.Null(result.Media.BitDepth);
        Assert.InRange(result.Media.DurationSeconds!.Value, 1.9, 2.2);
    }

    [Fact]
    public async Task ProbeAsync_RotatedMp4_ReportsDisplayedDimensions()
    {
        var result = await _tools.ProbeAsync(samples.RotatedMp4, KnownFormats.Mp4, CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Equal(240, result.Media.Width);
        Assert.Equal(320, result.Media.Height);
        Assert.Contains(result.Media.Rotation, new int?[] { 90, 270 });
    }

    [Fact]
    public async Task ProbeAsync_NameWithQuotesAndSpaces_ProbesFine()
    {
        var path = _dir.File("my \"best\" clip $(id) 'x'.mp4");
        File.Copy(samples.Mp4, path);

        var result = await _tools.ProbeAsync(path, KnownFormats.Mp4, CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Equal(320, result.Media.Width);
    }

    [Fact]
    public async Task ProbeAsync_TextFileSniffedAsMp4_IsCorruptWithFfprobeReason()
    {
        var path = _dir.Write("fake.mp4", "this is not a movie"u8.ToArray());

        var result = await _tools.ProbeAsync(path, KnownFormats.Mp4, CancellationToken.None);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Contains("moov atom not found", finding.Message);
        Assert.DoesNotContain("preflight-probe-", finding.Message);
        Assert.DoesNotContain(" @ 0x", finding.Message);
    }

    [Fact]
    public async Task ProbeAsync_MissingFile_IsUnreadable()
    {
        var result = await _tools.ProbeAsync(_dir.File("nope.mp4"), KnownFormats.Mp4, CancellationToken.None);

        Assert.Equal(FindingCodes.FileUnreadable, Assert.Single(result.Findings).Code);
    }

    [Fact]
    public async Task ProbeAsync_CallerCancels_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, cancelled.Token));
    }

    [Fact]
    public async Task DecodeAsync_IntactMp4_NoFindings()
    {
        var findings = await _tools.DecodeAsync(samples.Mp4Long, KnownFormats.Mp4, CancellationToken.None);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task DecodeAsync_Mp4WithSubtitleTrack_NoFindings()
    {
        var findings = await _tools.DecodeAsync(samples.Mp4WithSubtitles, KnownFormats.Mp4, CancellationToken.None);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task DecodeAsync_MidFileDamagedMp4_IsCorrupt()
    {
        var bytes = File.ReadAllBytes(samples.Mp4Long);
        var mdat = IndexOf(bytes, "mdat"u8);
        var middle = mdat + (bytes.Length - mdat) / 2;
        new Random(42).NextBytes(bytes.AsSpan(middle, 4000));
        var path = _dir.Write("damaged.mp4", bytes);
        var quick = await _tools.ProbeAsync(path, KnownFormats.Mp4, CancellationToken.None);
        Assert.Empty(quick.Findings); // the damage is invisible to ffprobe: only decoding finds it

        var findings = await _tools.DecodeAsync(path, KnownFormats.Mp4, CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("decoding failed: ", finding.Message);
    }

    [Fact]
    public async Task DecodeAsync_IntactWavAndMp3_NoFindings()
    {
        Assert.Empty(await _tools.DecodeAsync(samples.Wav, KnownFormats.Wav, CancellationToken.None));
        Assert.Empty(await _tools.DecodeAsync(samples.Mp3, KnownFormats.Mp3, CancellationToken.None));
    }

    [Fact]
    public async Task DecodeAsync_TruncatedWav_IsCorrupt()
    {
        var bytes = File.ReadAllBytes(samples.Wav);
        var path = _dir.Write("cut.wav", bytes[..(bytes.Length / 2 + 1)]);

        var findings = await _tools.DecodeAsync(path, KnownFormats.Wav, CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Contains("cut.wav", finding.Message);
        Assert.DoesNotContain("preflight-probe-", finding.Message);
    }

    [Fact]
    public async Task ProbeAndDecode_BinaryFolderWithoutTools_ThrowMissingTool()
    {
        var empty = Directory.CreateDirectory(_dir.File("empty-bin")).FullName;
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = empty });

        var status = tools.CheckAvailability();
        var probe = await Assert.ThrowsAsync<MissingToolException>(
            () => tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None));
        var decode = await Assert.ThrowsAsync<MissingToolException>(
            () => tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None));

        Assert.False(status.FfprobeAvailable);
        Assert.False(status.FfmpegAvailable);
        Assert.Contains("ffprobe was not found", status.Problem);
        Assert.Contains("sudo apt-get install ffmpeg", status.Problem);
        Assert.Equal("ffprobe", probe.Tool);
        Assert.Equal("Install it with: sudo apt-get install ffmpeg", probe.Hint);
        Assert.Equal("ffmpeg", decode.Tool);
    }

    [Fact]
    public async Task ProbeAndDecode_MemoryCapTooSmall_IsProbeFailedNotCorrupt()
    {
        // 60 MB cannot even map ffprobe's libraries: proof the cap applies, and that it is not blamed on the file.
        var tools = new MediaTools(new MediaToolsOptions { MemoryLimitBytes = 60_000_000 });

        var probe = await tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);
        var decode = await tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);

        var finding = Assert.Single(probe.Findings);
        Assert.True(finding.Code == FindingCodes.ProbeFailed, finding.Message);
        Assert.Contains("57 MiB", finding.Message);
        Assert.True(Assert.Single(decode).Code == FindingCodes.ProbeFailed, decode[0].Message);
    }

    [Fact]
    public async Task CheckAvailabilityAsync_MatchesSyncAnswer()
    {
        var status = await _tools.CheckAvailabilityAsync(CancellationToken.None);

        Assert.Equal(_tools.CheckAvailability(), status);
        Assert.True(status.FfprobeAvailable);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    public void Dispose() => _dir.Dispose();
}
