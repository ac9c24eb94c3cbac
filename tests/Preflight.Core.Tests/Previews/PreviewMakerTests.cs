using System.Diagnostics;
using Preflight.Core.Inspection;
using Preflight.Core.Previews;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;
using SixLabors.ImageSharp;

namespace Preflight.Core.Tests.Previews;

public sealed class PreviewMakerTests
{
    private static readonly MediaTools Tools = new(new MediaToolsOptions());
    private static readonly Inspector Engine = new(Tools);

    private static async Task<(FileReport Report, Preview? Preview)> PreviewOfAsync(string path, PreviewMaker? maker = null)
    {
        var report = await Engine.InspectAsync(new InspectionRequest(path, Path.GetFileName(path)), new InspectionOptions(), CancellationToken.None);
        return (report, await (maker ?? new PreviewMaker(Tools)).MakeAsync(report, path, CancellationToken.None));
    }

    private static (int Width, int Height, string Format) Decode(Preview preview)
    {
        var info = Image.Identify(preview.Bytes, out var format);
        return (info.Width, info.Height, format.Name);
    }

    [Fact]
    public async Task Jpeg_SmallerThanTheLimit_IsReEncodedAtItsOwnSize()
    {
        var (_, preview) = await PreviewOfAsync(RepoPaths.TestFile("valid", "image-320x180.jpg"));

        Assert.NotNull(preview);
        Assert.Equal((Preview.Thumbnail, "image/jpeg", 320, 180), (preview.Kind, preview.MediaType, preview.Width, preview.Height));
        Assert.Equal((320, 180, "JPEG"), Decode(preview));
        Assert.StartsWith("data:image/jpeg;base64,", preview.DataUrl);
    }

    [Fact]
    public async Task Png_LargerThanTheLimit_IsDownscaledKeepingAspect()
    {
        var (report, preview) = await PreviewOfAsync(RepoPaths.TestFile("real-world", "desktop-base-spacefun-plymouth-2048x1542.png"));

        Assert.Equal(Verdict.Fail, report.Verdict); // over 2K: a failing file still gets its picture
        Assert.NotNull(preview);
        Assert.Equal((320, 241, "PNG"), Decode(preview));
        Assert.True(preview.Bytes.Length <= PreviewMaker.MaxPreviewBytes);
    }

    [Fact]
    public async Task Mp4_GivesAJpegFrameNoLargerThan320()
    {
        var (_, preview) = await PreviewOfAsync(RepoPaths.TestFile("valid", "video-h264-aac-640x360-25fps-faststart.mp4"));

        Assert.NotNull(preview);
        Assert.Equal(Preview.Frame, preview.Kind);
        Assert.Equal((320, 180, "JPEG"), Decode(preview));
    }

    [Fact]
    public async Task RotatedMp4_FrameStandsUpAsDisplayed()
    {
        var (_, preview) = await PreviewOfAsync(RepoPaths.TestFile("valid", "video-rotated-portrait-360x640.mp4"));

        Assert.NotNull(preview);
        var (width, height, _) = Decode(preview);
        Assert.True(height > width, $"{width}x{height} is not portrait");
        Assert.Equal(320, height);
    }

    [Theory]
    [InlineData("valid", "audio-pcm16-22khz-mono.wav")]
    [InlineData("valid", "audio-64kbps-mono.mp3")]
    [InlineData("valid", "audio-rf64.wav")]
    public async Task Audio_GivesAPngWaveform(string folder, string name)
    {
        var (_, preview) = await PreviewOfAsync(RepoPaths.TestFile(folder, name));

        Assert.NotNull(preview);
        Assert.Equal(Preview.Waveform, preview.Kind);
        Assert.Equal((PreviewMaker.WaveformWidth, PreviewMaker.WaveformHeight, "PNG"), Decode(preview));
    }

    [Theory]
    [InlineData("hostile", "hls-playlist-lists-local-segment.mp4")]
    [InlineData("hostile", "ffconcat-names-neighbour.mp4")]
    [InlineData("hostile", "png-65-bytes-declares-60000x60000.png")]
    [InlineData("hostile", "jpeg-declares-65500x65500.jpg")]
    [InlineData("corrupt", "jpeg-truncated-mid-scan.jpg")]
    [InlineData("corrupt", "mp4-truncated-before-moov.mp4")]
    [InlineData("unsupported", "html-error-page.mp4")]
    [InlineData("unsupported", "video.webm")]
    [InlineData("corrupt", "empty.mp4")]
    public async Task HostileCorruptOrUnsupported_GetsNoPreviewQuickly(string folder, string name)
    {
        var clock = Stopwatch.StartNew();
        var (report, preview) = await PreviewOfAsync(RepoPaths.TestFile(folder, name));

        Assert.Null(preview);
        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Timeout_TooShort_GivesNoPreviewAndNoException()
    {
        var maker = new PreviewMaker(Tools) { Timeout = TimeSpan.FromMilliseconds(1) };

        var (report, preview) = await PreviewOfAsync(RepoPaths.TestFile("valid", "video-h264-aac-640x360-25fps-faststart.mp4"), maker);

        Assert.Null(preview);
        Assert.Equal(Verdict.Pass, report.Verdict);
    }
}
